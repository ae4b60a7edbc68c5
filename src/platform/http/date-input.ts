/**
 * The GOV.UK date input: three boxes (day, month, year) named `<name>-day`, `<name>-month`, `<name>-year`.
 * Parsing follows the design system's error messages, so every form in Kestrel says the same thing about
 * a date. This is the one date-input piece: the page handler's `dateInput` field uses it, and so may any
 * module that reads a date from a query string.
 */

import { type FormBody, formText } from './form-body.ts'

export interface DateParts {
  day: string
  month: string
  year: string
}

export type DatePart = keyof DateParts

export interface ParsedDate {
  /** 'YYYY-MM-DD' when the input is a real date; null when empty (and optional) or wrong. */
  value: string | null
  /** The message for the error summary and the field, or null. */
  error: string | null
  /** The boxes to mark in error: all three unless one part alone is missing or wrong. */
  errorParts: DatePart[]
  /** What the user typed, to show back to them. */
  parts: DateParts
}

const monthNames = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']

function monthNumber(month: string): number {
  if (/^\d{1,2}$/.test(month)) return Number(month)
  const index = monthNames.indexOf(month.slice(0, 3).toLowerCase())
  // Accept "March" or "Mar" as people type them, but not "Marchx".
  const full = new Date(Date.UTC(2000, index, 1)).toLocaleString('en-GB', { month: 'long', timeZone: 'UTC' })
  return index >= 0 && (month.length === 3 || full.toLowerCase() === month.toLowerCase())
    ? index + 1
    : Number.NaN
}

/**
 * Reads `<name>-day`, `<name>-month` and `<name>-year` from a form body. `label` is how the error names
 * the field, in sentence case ("Start date").
 */
export function parseDateInput(
  body: FormBody,
  name: string,
  options: { label: string; required?: boolean },
): ParsedDate {
  return parseDateParts(dateInputParts(body, name), options)
}

/** The three boxes of the date input `name` as typed (trimmed). */
export function dateInputParts(body: FormBody, name: string): DateParts {
  return {
    day: formText(body, `${name}-day`),
    month: formText(body, `${name}-month`),
    year: formText(body, `${name}-year`),
  }
}

/** The date the three boxes make, or the design system's message for what is wrong with them. */
export function parseDateParts(parts: DateParts, options: { label: string; required?: boolean }): ParsedDate {
  const fail = (error: string, errorParts: DatePart[] = ['day', 'month', 'year']): ParsedDate => ({
    value: null,
    error,
    errorParts,
    parts,
  })
  const missing = (['day', 'month', 'year'] as const).filter((p) => parts[p] === '')
  if (missing.length === 3) {
    return options.required === false
      ? { value: null, error: null, errorParts: [], parts }
      : fail(`Enter ${options.label.toLowerCase()}`)
  }
  if (missing.length > 0) {
    const words = missing.length === 2 ? `${missing[0]} and ${missing[1]}` : missing[0]
    return fail(`${options.label} must include a ${words}`, missing)
  }
  if (!/^\d{1,2}$/.test(parts.day)) return fail(`${options.label} must be a real date`, ['day'])
  const month = monthNumber(parts.month)
  if (Number.isNaN(month)) return fail(`${options.label} must be a real date`, ['month'])
  if (!/^\d{4}$/.test(parts.year)) return fail('Year must include 4 numbers', ['year'])
  const year = Number(parts.year)
  const day = Number(parts.day)
  const date = new Date(Date.UTC(year, month - 1, day))
  if (
    month < 1 ||
    month > 12 ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day ||
    year < 1900
  ) {
    return fail(`${options.label} must be a real date`)
  }
  return { value: date.toISOString().slice(0, 10), error: null, errorParts: [], parts }
}

/** The boxes for an existing 'YYYY-MM-DD' value, as an edit form first shows them. */
export function dateParts(value: string | null | undefined): DateParts {
  const match = value ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) : null
  if (!match) return { day: '', month: '', year: '' }
  return { day: String(Number(match[3])), month: String(Number(match[2])), year: match[1] as string }
}

/** The `items` for the govukDateInput macro, marking the boxes in error. */
export function dateInputItems(parts: DateParts, errorParts: readonly DatePart[] = []) {
  const item = (name: DatePart, width: string) => ({
    name,
    value: parts[name],
    classes: `govuk-input--width-${width}${errorParts.includes(name) ? ' govuk-input--error' : ''}`,
  })
  return [item('day', '2'), item('month', '2'), item('year', '4')]
}

/** Where the error summary should link for a date field: its first box in error. */
export function dateErrorHref(name: string, errorParts: readonly DatePart[]): string {
  return `#${name}-${errorParts[0] ?? 'day'}`
}
