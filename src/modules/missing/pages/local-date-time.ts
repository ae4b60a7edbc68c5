import type { z } from 'zod'
import { text } from '../../../platform/http/form-fields.ts'
import { isIsoDate, londonDate, londonInstant, londonTime } from '../../../platform/time.ts'

/*
 * The missing pages take a time as one `datetime-local` box ("2018-08-01T21:30", London clock time),
 * which the unit's staff type in one go and the browser checks, rather than the GOV.UK date boxes.
 */

const localPattern = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})$/

/** The instant a `datetime-local` value names in London; null when it names none. */
export function fromLocalInput(value: string): Date | null {
  const match = localPattern.exec(value)
  if (!match || !isIsoDate(match[1])) return null
  if (Number(match[2]) > 23 || Number(match[3]) > 59) return null
  return londonInstant(match[1] as string, `${match[2]}:${match[3]}`)
}

/** An instant as a `datetime-local` value in London time; '' for none. */
export function toLocalInput(at: Date | null | undefined): string {
  return at ? `${londonDate(at)}T${londonTime(at)}` : ''
}

/**
 * A `datetime-local` box as a form field: the instant typed, with the page's messages naming the time
 * by `label` ("report time"). An optional one left empty is null.
 */
export function localDateTime(options: { label: string }): z.ZodType<Date, string>
export function localDateTime(options: { label: string; required: false }): z.ZodType<Date | null, string>
export function localDateTime(options: {
  label: string
  required?: boolean
}): z.ZodType<Date | null, string> {
  return text().transform((value, ctx): Date | null => {
    if (value === '') {
      if (options.required !== false) ctx.addIssue({ code: 'custom', message: `Enter the ${options.label}` })
      return null
    }
    const at = fromLocalInput(value)
    if (!at) {
      ctx.addIssue({
        code: 'custom',
        message: `Enter the ${options.label} as a date and time, like 2018-08-01 21:30`,
      })
    }
    return at
  })
}
