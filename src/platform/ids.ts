const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * Whether a value is a UUID as PostgreSQL's `uuid` type would read it in its canonical form, either case.
 * Checked before a lookup by id, so text that is not one never reaches a `uuid` parameter (which would
 * fail the query rather than find nothing).
 */
// Text already known to be a string only learns yes or no, so a "not a UUID" branch keeps it a string.
export function isUuid(value: string): boolean
export function isUuid(value: unknown): value is string
export function isUuid(value: unknown): boolean {
  return typeof value === 'string' && uuidPattern.test(value)
}
