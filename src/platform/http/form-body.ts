/**
 * Reading an HTML form body (application/x-www-form-urlencoded, parsed by @fastify/formbody): the one
 * place that knows a field may be absent, sent once or sent many times.
 */

export type FormBody = Record<string, unknown> | undefined

/** A box's value as typed, without the spaces around it; '' when the field was not sent. */
export function formText(body: FormBody, key: string): string {
  const value = body?.[key]
  // A name sent twice arrives as a list, which no text box sends: read as empty.
  return typeof value === 'string' ? value.trim() : ''
}

/** Every value sent under one name, as checkboxes send them: none, one or many, always a list. */
export function formList(body: FormBody, key: string): string[] {
  const value = body?.[key]
  const values = Array.isArray(value) ? value : [value]
  return values.filter((v): v is string => typeof v === 'string' && v.trim() !== '').map((v) => v.trim())
}
