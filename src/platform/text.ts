/**
 * Text PostgreSQL cannot store, found before it reaches the database: the one check every way in (the API's
 * bodies, queries and paths, the pages' forms, the import) asks.
 *
 * PostgreSQL's text (in UTF-8) cannot hold U+0000: the query fails with "invalid byte sequence for encoding
 * UTF8: 0x00", which would be a 500 for the asker. Half of a UTF-16 surrogate pair (JSON's "\ud800" alone)
 * has no UTF-8 form at all: the drivers silently store U+FFFD in its place, so what was sent is not what is
 * kept. Everything else Unicode allows is stored as given.
 */

export interface TextProblem {
  /** Where the string is: a dotted path (`address.postcode`, `statusHistory.0.note`), or '' for the value itself. */
  field: string
  reason: string
}

// Without the u flag a pattern reads code units, so it sees a surrogate that has no partner.
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
const everyLoneSurrogate = new RegExp(loneSurrogate.source, 'g')

export const nulReason = 'must not contain a NUL character (U+0000), which cannot be stored'
export const surrogateReason =
  'must not contain half of a UTF-16 surrogate pair (U+D800 to U+DFFF alone), which cannot be stored'

/** Why this string cannot be stored, or undefined when it can. */
export function unstorableReason(text: string): string | undefined {
  if (text.includes('\u0000')) return nulReason
  if (loneSurrogate.test(text)) return surrogateReason
  return undefined
}

/** A name as it can be shown and sent back: what cannot be stored written as its escape (`\u0000`). */
export function printable(text: string): string {
  return text
    .replaceAll('\u0000', '\\u0000')
    .replace(everyLoneSurrogate, (half) => `\\u${half.charCodeAt(0).toString(16)}`)
}

/** The text with what cannot be stored taken out: a NUL removed, half a surrogate pair as U+FFFD. */
export function storable(text: string): string {
  return text.replaceAll('\u0000', '').replace(everyLoneSurrogate, '\uFFFD')
}

// A JSON body is at most a few megabytes; nesting this deep is an attack, not a record.
const maxDepth = 64

/**
 * Every string in a value (an object's keys too, a list's items) that cannot be stored, with its dotted
 * path; a string given alone is named `whole`. Numbers, booleans and null are fine as they are.
 */
export function unstorableText(value: unknown, whole = ''): TextProblem[] {
  const problems: TextProblem[] = []
  const join = (path: string, key: string) => (path ? `${path}.${key}` : key)
  const walk = (node: unknown, path: string, depth: number) => {
    if (typeof node === 'string') {
      const reason = unstorableReason(node)
      if (reason) problems.push({ field: path || whole, reason })
      return
    }
    if (node === null || typeof node !== 'object') return
    if (depth > maxDepth) {
      problems.push({ field: path || whole, reason: `must not be nested more than ${maxDepth} levels deep` })
      return
    }
    if (Array.isArray(node)) {
      for (const [index, item] of node.entries()) walk(item, join(path, String(index)), depth + 1)
      return
    }
    for (const [key, item] of Object.entries(node)) {
      const keyReason = unstorableReason(key)
      if (keyReason) problems.push({ field: join(path, printable(key)), reason: `its name ${keyReason}` })
      else walk(item, join(path, key), depth + 1)
    }
  }
  walk(value, '', 0)
  return problems
}
