import type { Actor } from '../../../platform/access/access-log.ts'
import type { Principal } from '../../../platform/auth/principal.ts'
import { dateInputItems } from '../../../platform/http/date-input.ts'
import { type FieldError, NotFoundError, ValidationError } from '../../../platform/http/errors.ts'
import type { FormState } from '../../../platform/http/form.ts'
import type { DateTimeParts } from '../../../platform/http/form-fields.ts'
import { londonDate, londonInstant, londonTime } from '../../../platform/time.ts'
import type { Services } from '../../../services.ts'
import { riskLabels, statusLabels } from '../rso.ts'
import { noSuchRso } from '../service/dependencies.ts'
import type { RsoView } from '../service/view.ts'

export const offendersPath = '/offenders'

/** What the offenders pages are built from: the services the module manifest is given. */
export type OffendersPageDeps = Pick<
  Services,
  'offenders' | 'standards' | 'organisation' | 'clock' | 'accessLog'
>

export const actorOf = (principal: Principal): Actor => ({ id: principal.id, username: principal.username })

/** The boxes of a date and time input showing `now` in London, as a form about what just happened opens. */
export function nowParts(now: Date): DateTimeParts {
  const [year, month, day] = londonDate(now).split('-')
  return {
    day: String(Number(day)),
    month: String(Number(month)),
    year: year as string,
    time: londonTime(now),
  }
}

/** The instant a London wall-clock 'YYYY-MM-DDTHH:MM' (a dateTimeInput) names. */
export const instantOf = (local: string) => londonInstant(local.slice(0, 10), local.slice(11, 16))

/** A field of an offenders form as the shared template draws it; `heading` starts a part of a long form. */
export interface FormField {
  name: string
  kind: 'text' | 'textarea' | 'date' | 'datetime' | 'radios' | 'select' | 'heading'
  label: string
  hint?: string
  options?: readonly { value: string; text: string }[]
  /** A narrow text box (a reference, a staff number). */
  short?: boolean
}

/**
 * The fields as the template draws them: what was typed (or the form's first values), each field's error,
 * a date's boxes with those in error marked, a choice's item checked.
 */
export function fieldsView(
  fields: readonly FormField[],
  form: FormState | undefined,
  initial: Record<string, unknown> = {},
) {
  const typed = (form?.values ?? initial) as Record<string, unknown>
  return fields.map((field) => {
    const value = typed[field.name]
    const error = form?.fieldErrors[field.name]
    if (field.kind === 'date' || field.kind === 'datetime') {
      const parts = (value as DateTimeParts | undefined) ?? { day: '', month: '', year: '', time: '' }
      return {
        ...field,
        error,
        dateItems: form ? form.dateItems(field.name) : dateInputItems(parts),
        time: parts.time ?? '',
        timeError: Boolean(form?.fieldErrors[`${field.name}-time`]),
      }
    }
    const text = typeof value === 'string' ? value : ''
    if (field.kind === 'radios' || field.kind === 'select')
      return {
        ...field,
        error,
        value: text,
        items: [
          ...(field.kind === 'select' ? [{ value: '', text: 'Choose', selected: text === '' }] : []),
          ...(field.options ?? []).map((o) => ({
            ...o,
            checked: o.value === text,
            selected: o.value === text,
          })),
        ],
      }
    return { ...field, error, value: text }
  })
}

/**
 * A service's refusal in the form's words: a reason that says what must be ("must not be in the future")
 * is given the field's label, one that says what to do is given a capital; `fieldOf` names the form's
 * input for the service's field (`offences.0.court` is the `offenceCourt` box). A refusal for a record the
 * keeper may not see, or one that does not exist, is a 404 either way, so neither is confirmed.
 */
export function inFormWords(
  error: unknown,
  fields: readonly FormField[],
  fieldOf: (field: string) => string = (field) => field,
): never {
  if (error instanceof ValidationError) {
    if (error.errors.some((e) => e.field === 'rso')) throw new NotFoundError(noSuchRso)
    const labels = new Map(fields.map((f) => [f.name, f.label.replace(/ \(optional\)$/, '')]))
    throw new ValidationError(
      error.errors.map((e): FieldError => {
        const field = fieldOf(e.field)
        const label = labels.get(field)
        const reason = /^(must|is |are )/.test(e.reason)
          ? `${label ?? 'This'} ${e.reason}`
          : e.reason.charAt(0).toUpperCase() + e.reason.slice(1)
        return { field, reason }
      }),
    )
  }
  throw error
}

/** The RSO as the identity bar and the page headings name them. */
export function identityOf(view: RsoView) {
  return {
    id: view.rso.id,
    ref: view.rso.ref,
    name: view.person?.name ?? 'Unknown person',
    personRef: view.person?.ref ?? null,
    riskLabel: riskLabels[view.rso.risk_level],
    statusLabel: statusLabels[view.rso.status],
    boroughName: view.boroughName,
    wardName: view.wardName,
    managerName: view.managerName,
  }
}
