import type { z } from 'zod'
import { nulReason, storable, unstorableText } from '../text.ts'
import { type DatePart, type DateParts, dateInputItems, dateInputParts } from './date-input.ts'
import type { FieldError } from './errors.ts'
import { type FormBody, formList, formText } from './form-body.ts'
import { type FieldKind, fieldKind, type InputPart } from './form-fields.ts'

/**
 * A page's form: a zod object of the pieces in form-fields.ts, listed in the order the page shows them.
 * readForm gathers what each input sent, parseForm checks it, and the errors come back in that order,
 * each linking to the input to correct (a date's first box in error), as the GOV.UK error summary wants.
 */
export type FormSchema = z.ZodObject<z.ZodRawShape>

export interface SummaryError {
  text: string
  href: string
}

/** What the page needs to show a form again: what was typed, and what is wrong, field by field. */
export interface FormState<S extends FormSchema = FormSchema> {
  /** What the user typed, per field: text as a string, checkboxes as a list, a date as its boxes. */
  values: z.input<S>
  /** For the error summary, in the order the fields appear on the form. */
  errors: SummaryError[]
  /** Each field's own message (its first), for the component's `errorMessage`. */
  fieldErrors: Record<string, { text: string }>
  /** The boxes of each date input to mark in error. */
  errorParts: Record<string, InputPart[]>
  /** The `items` for a govukDateInput of this form, showing what was typed and marking the boxes in error. */
  dateItems(field: string): ReturnType<typeof dateInputItems>
}

export type FormParse<S extends FormSchema> =
  | { ok: true; input: z.output<S>; values: z.input<S> }
  | { ok: false; state: FormState<S>; hiddenErrors: FieldError[] }

function fieldsOf(schema: FormSchema): [string, FieldKind][] {
  return Object.entries(schema.shape).map(([name, field]) => [name, fieldKind(field as z.ZodType)])
}

/** Gathers each field of the form from a body (or a query string) as its input sends it. */
export function readForm<S extends FormSchema>(schema: S, body: FormBody): z.input<S> {
  const values: Record<string, unknown> = {}
  for (const [name, kind] of fieldsOf(schema)) {
    if (kind === 'list') values[name] = formList(body, name)
    else if (kind === 'date') values[name] = dateInputParts(body, name)
    else if (kind === 'dateTime') {
      values[name] = { ...dateInputParts(body, name), time: formText(body, `${name}-time`) }
    } else values[name] = formText(body, name)
  }
  return values as z.input<S>
}

interface Problem {
  field: string
  text: string
  parts: InputPart[]
}

/**
 * The form's state for these problems: one per field (the first found), in the form's field order.
 * Problems naming no field a person can correct (hidden ones, or none) are left out: parseForm and the
 * page handler answer those as a bad request.
 */
export function formState<S extends FormSchema>(
  schema: S,
  values: z.input<S>,
  problems: readonly Problem[],
): FormState<S> {
  const fields = fieldsOf(schema).filter(([, kind]) => kind !== 'hidden')
  const order = new Map(fields.map(([name], index) => [name, index]))
  const kindOf = new Map(fields)
  const first = new Map<string, Problem>()
  for (const problem of problems) {
    if (order.has(problem.field) && !first.has(problem.field)) first.set(problem.field, problem)
  }
  const listed = [...first.values()].sort((a, b) => (order.get(a.field) ?? 0) - (order.get(b.field) ?? 0))
  const errorParts: Record<string, InputPart[]> = {}
  const fieldErrors: Record<string, { text: string }> = {}
  const errors = listed.map((problem) => {
    const kind = kindOf.get(problem.field)
    const boxed = kind === 'date' || kind === 'dateTime'
    // A date's problem with no particular box (a domain rule: "must be after…") marks all three.
    const parts: InputPart[] = boxed ? (problem.parts.length ? problem.parts : ['day', 'month', 'year']) : []
    if (boxed) errorParts[problem.field] = parts
    fieldErrors[problem.field] = { text: problem.text }
    if (parts[0] === 'time') fieldErrors[`${problem.field}-time`] = { text: problem.text }
    return { text: problem.text, href: boxed ? `#${problem.field}-${parts[0]}` : `#${problem.field}` }
  })
  return {
    values,
    errors,
    fieldErrors,
    errorParts,
    dateItems(field: string) {
      const typed = (values as Record<string, unknown>)[field] as DateParts | undefined
      const parts = (errorParts[field] ?? []).filter((p): p is DatePart => p !== 'time')
      return dateInputItems(typed ?? { day: '', month: '', year: '' }, parts)
    },
  }
}

function problemsOf(error: z.ZodError): Problem[] {
  return error.issues.map((issue) => {
    const params = (issue as { params?: { parts?: InputPart[] } }).params
    const [field, part] = issue.path.map(String)
    return {
      field: field ?? '',
      text: issue.message,
      parts: params?.parts ?? (part === 'day' || part === 'month' || part === 'year' ? [part] : []),
    }
  })
}

/** Problems from field errors a service gave (a duplicate, a date out of range): `<name>-time` is its field's time box. */
export function problemsFromFieldErrors(errors: readonly FieldError[]): Problem[] {
  return errors.map((error) => {
    const time = /^(.+)-time$/.exec(error.field)
    return time
      ? { field: time[1] as string, text: error.reason, parts: ['time'] }
      : { field: error.field, text: error.reason, parts: [] }
  })
}

/** The names of the form's fields a person can correct (not the hidden ones the page set). */
export function visibleFields(schema: FormSchema): Set<string> {
  return new Set(
    fieldsOf(schema)
      .filter(([, kind]) => kind !== 'hidden')
      .map(([name]) => name),
  )
}

/** The answer's message when what was typed held a character the database cannot store (text.ts). */
function unstorableMessage(reason: string): string {
  return reason === nulReason
    ? 'Check this answer and send it again: it had a null character (U+0000) in it, which cannot be stored and has been taken out'
    : 'Check this answer and send it again: it had half of a character (a lone UTF-16 surrogate) in it, which cannot be stored and has been replaced'
}

/**
 * What in the body cannot be stored (text.ts), as problems with the inputs it was typed in (a date's box
 * names its box); anything else (a hidden field the page set, a name the form does not have) apart.
 */
function unstorableProblems(schema: FormSchema, body: FormBody) {
  const kinds = new Map(fieldsOf(schema).filter(([, kind]) => kind !== 'hidden'))
  const problems: Problem[] = []
  const hiddenErrors: FieldError[] = []
  for (const found of unstorableText(body, 'form')) {
    const name = found.field.split('.')[0] as string
    const box = /^(.+)-(day|month|year|time)$/.exec(name)
    const boxOf = box ? kinds.get(box[1] as string) : undefined
    if (kinds.has(name)) problems.push({ field: name, text: unstorableMessage(found.reason), parts: [] })
    else if (box && (boxOf === 'date' || boxOf === 'dateTime'))
      problems.push({
        field: box[1] as string,
        text: unstorableMessage(found.reason),
        parts: [box[2] as InputPart],
      })
    else hiddenErrors.push(found)
  }
  return { problems, hiddenErrors }
}

/** The body with what cannot be stored taken out, to show what was typed again and look things up by it. */
function storableBody(body: FormBody): FormBody {
  if (!body || typeof body !== 'object') return body
  const clean = (value: unknown): unknown =>
    typeof value === 'string' ? storable(value) : Array.isArray(value) ? value.map(clean) : value
  return Object.fromEntries(Object.entries(body).map(([key, value]) => [key, clean(value)]))
}

/**
 * Reads and checks a form body. Problems with hidden fields come back apart: the person cannot correct
 * them on the page, so the page handler answers them as a bad request rather than showing the form.
 * Text the database cannot store is a problem with the input it was typed in, shown with the others;
 * what is shown again has it taken out, so the page never reads by it.
 */
export function parseForm<S extends FormSchema>(schema: S, body: FormBody): FormParse<S> {
  const unstorable = unstorableProblems(schema, body)
  const values = readForm(schema, storableBody(body))
  const result = schema.safeParse(values)
  if (result.success && !unstorable.problems.length && !unstorable.hiddenErrors.length)
    return { ok: true, input: result.data, values }
  const problems = [...unstorable.problems, ...(result.success ? [] : problemsOf(result.error))]
  const visible = visibleFields(schema)
  const hiddenErrors = [
    ...unstorable.hiddenErrors,
    ...problems
      .filter((p) => !visible.has(p.field))
      .map((p) => ({ field: p.field || 'form', reason: p.text })),
  ]
  return { ok: false, state: formState(schema, values, problems), hiddenErrors }
}
