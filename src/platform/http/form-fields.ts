import { z } from 'zod'
import { type DateParts, parseDateParts } from './date-input.ts'

/**
 * The pieces a page's form schema is built from, one per GOV.UK input. Each piece takes what the input
 * sends (read by `readForm`: a trimmed string, a list for checkboxes, the boxes of a date) and gives the
 * typed value, or an issue carrying the message the design system would show. List a form's fields in
 * the order the page shows them: the error summary follows that order.
 */

/** How `readForm` gathers a field from the body. */
export type FieldKind = 'text' | 'list' | 'date' | 'dateTime' | 'hidden'

const kinds = new WeakMap<z.ZodType, FieldKind>()

function kinded<T extends z.ZodType>(schema: T, kind: FieldKind): T {
  kinds.set(schema, kind)
  return schema
}

/** A field's kind, looking through `.optional()`, `.transform()` and the like that wrap a piece. */
export function fieldKind(schema: z.ZodType): FieldKind {
  let current: z.ZodType | undefined = schema
  for (let depth = 0; current && depth < 8; depth++) {
    const kind = kinds.get(current)
    if (kind) return kind
    const def = current._zod.def as { innerType?: z.ZodType; in?: z.ZodType }
    current = def.innerType ?? def.in
  }
  return 'text'
}

/** Which boxes of a date (or date and time) input an issue is about; the summary links to the first. */
export type InputPart = 'day' | 'month' | 'year' | 'time'

function issue(ctx: z.RefinementCtx, message: string, parts?: readonly InputPart[]) {
  ctx.addIssue({ code: 'custom', message, params: parts ? { parts } : undefined })
}

/** A text box (or textarea, or select). Trimmed; '' when left empty unless `required` names the message. */
export function text(options: { required?: string; maxLength?: number; tooLong?: string } = {}) {
  return kinded(
    z.string().superRefine((value, ctx) => {
      if (options.required && value === '') issue(ctx, options.required)
      else if (options.maxLength !== undefined && value.length > options.maxLength) {
        issue(ctx, options.tooLong ?? `Must be ${options.maxLength} characters or fewer`)
      }
    }),
    'text',
  )
}

/** A text box that may be left empty: null when it is. */
export function optionalText(options: { maxLength?: number; tooLong?: string } = {}) {
  return text(options).transform((value) => (value === '' ? null : value))
}

/**
 * A box for a whole number, which may be left empty (null) unless `required` names the message.
 * `message` says what is wrong with anything else ("Capacity must be a whole number").
 */
export function wholeNumber(options: {
  message: string
  required?: string
  min?: number
  max?: number
  outOfRange?: string
}) {
  return kinded(
    z.string().transform((value, ctx): number | null => {
      if (value === '') {
        if (options.required) issue(ctx, options.required)
        return null
      }
      if (!/^\d{1,9}$/.test(value)) {
        issue(ctx, options.message)
        return null
      }
      const number = Number(value)
      if (
        (options.min !== undefined && number < options.min) ||
        (options.max !== undefined && number > options.max)
      ) {
        issue(ctx, options.outOfRange ?? options.message)
      }
      return number
    }),
    'text',
  )
}

/** Radios (or a select) offering a fixed set of values: one of them, or `message` ("Select the rank"). */
export function radios<const V extends readonly [string, ...string[]]>(values: V, message: string) {
  return kinded(
    z.string().transform((value, ctx): V[number] => {
      if (!(values as readonly string[]).includes(value)) issue(ctx, message)
      return value as V[number]
    }),
    'text',
  )
}

/** Yes-or-no radios sending "yes" or "no": true or false, or `message` when neither was chosen. */
export function yesNo(message: string) {
  return kinded(
    z.string().transform((value, ctx) => {
      if (value !== 'yes' && value !== 'no') issue(ctx, message)
      return value === 'yes'
    }),
    'text',
  )
}

/** A single checkbox sending `value` (by default "yes") when ticked: whether it was. */
export function checkbox(value = 'yes') {
  return kinded(
    z.string().transform((sent) => sent === value),
    'text',
  )
}

/**
 * Checkboxes sharing one name: the values ticked, as a list whether one or many were sent. With
 * `values`, anything else is refused with `unknown`; with `required`, ticking none is refused.
 */
export function checkboxes<const V extends readonly string[] = readonly string[]>(
  options: { values?: V; required?: string; unknown?: string } = {},
) {
  return kinded(
    z.array(z.string()).transform((sent, ctx): V[number][] => {
      if (options.required && sent.length === 0) issue(ctx, options.required)
      else if (options.values && sent.some((v) => !(options.values as readonly string[]).includes(v))) {
        issue(ctx, options.unknown ?? options.required ?? 'Select from the options shown')
      }
      return sent as V[number][]
    }),
    'list',
  )
}

/** A hidden input the page set, such as a record's version: not something the user can correct. */
export function hidden() {
  return kinded(z.string(), 'hidden')
}

/** The record version an edit form carries, for optimistic locking: a whole number from 1. */
export function recordVersion(message = 'Missing record version') {
  return kinded(
    z.string().transform((value, ctx) => {
      if (!/^\d{1,9}$/.test(value) || Number(value) < 1) issue(ctx, message)
      return Number(value)
    }),
    'hidden',
  )
}

/**
 * A GOV.UK date input (`<name>-day`, `-month`, `-year`): 'YYYY-MM-DD', with the design system's
 * messages naming the field by `label` ("Start date"). Optional dates give null when all three are empty.
 */
export function dateInput(options: { label: string }): z.ZodType<string, DateParts>
export function dateInput(options: { label: string; required: false }): z.ZodType<string | null, DateParts>
export function dateInput(options: {
  label: string
  required?: boolean
}): z.ZodType<string | null, DateParts> {
  return kinded(
    z.custom<DateParts>().transform((parts, ctx) => {
      const parsed = parseDateParts(parts, options)
      if (parsed.error) issue(ctx, parsed.error, parsed.errorParts)
      return parsed.value
    }),
    'date',
  )
}

export interface DateTimeParts extends DateParts {
  time: string
}

/** A time typed on the 24-hour clock, "14:30", "1430", "9.05", as 'HH:MM'; null when it is not one. */
export function parseTime(value: string): string | null {
  const match = /^(\d{1,2})[:.]?(\d{2})$/.exec(value.trim())
  if (!match) return null
  const hours = Number(match[1])
  const minutes = Number(match[2])
  if (hours > 23 || minutes > 59) return null
  return `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`
}

/**
 * A GOV.UK date input with a 24-hour time box beside it (`<name>-time`): the London wall-clock time as
 * 'YYYY-MM-DDTHH:MM' (turning it into an instant is the module's, which knows the zone it means).
 */
export function dateTimeInput(options: { label: string }): z.ZodType<string, DateTimeParts>
export function dateTimeInput(options: {
  label: string
  required: false
}): z.ZodType<string | null, DateTimeParts>
export function dateTimeInput(options: {
  label: string
  required?: boolean
}): z.ZodType<string | null, DateTimeParts> {
  return kinded(
    z.custom<DateTimeParts>().transform((parts, ctx) => {
      const allEmpty = !parts.day && !parts.month && !parts.year && !parts.time
      if (allEmpty && options.required === false) return null
      const date = parseDateParts(parts, { label: options.label })
      if (date.error) {
        issue(ctx, date.error, date.errorParts)
        return null
      }
      if (!parts.time) {
        issue(ctx, `Enter the time for ${options.label.toLowerCase()}`, ['time'])
        return null
      }
      const time = parseTime(parts.time)
      if (!time) {
        issue(ctx, 'Enter the time on the 24-hour clock, like 14:30', ['time'])
        return null
      }
      return `${date.value}T${time}`
    }),
    'dateTime',
  )
}
