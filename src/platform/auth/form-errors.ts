import type { FieldError } from '../http/errors.ts'

export interface SummaryError {
  text: string
  href: string
}

/** A service's field errors as the GOV.UK error summary wants them; `ids` maps a field to its input's id. */
export function summaryErrors(
  errors: readonly FieldError[],
  ids: Record<string, string> = {},
): SummaryError[] {
  return errors.map((e) => ({ text: e.reason, href: `#${ids[e.field] ?? e.field}` }))
}

/** The same errors keyed by input id, for each component's `errorMessage` (the first error per input). */
export function inlineErrors(errors: readonly SummaryError[]): Record<string, { text: string }> {
  const byId: Record<string, { text: string }> = {}
  for (const e of errors) {
    const id = e.href.slice(1)
    byId[id] ??= { text: e.text }
  }
  return byId
}
