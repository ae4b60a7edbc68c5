import type { Access } from '../src/platform/access/access.ts'
import type { BoroughKey, SweepRecord } from './sweep-fixture.ts'

/**
 * The pure half of the need-to-know sweep: reading route patterns, building the URLs a route is asked
 * with, and finding another area's records in an answer.
 */

export interface SweptRoute {
  method: string
  url: string
  access: Access
}

export const routeKey = (route: { method: string; url: string }) => `${route.method} ${route.url}`

/** The path parameters of a Fastify route pattern, in order: `/people/:id/merge/:otherId` has two. */
export function paramsOf(url: string): string[] {
  return url
    .split('/')
    .filter((segment) => segment.startsWith(':'))
    .map((segment) => segment.slice(1))
}

/** The pattern up to and including its `index`th parameter: the page that names the record itself. */
export function prefixThrough(url: string, index: number): string {
  const segments = url.split('/')
  let seen = -1
  for (let i = 0; i < segments.length; i++) {
    if (segments[i]?.startsWith(':')) seen++
    if (seen === index) return segments.slice(0, i + 1).join('/')
  }
  return url
}

/** The pattern with each parameter replaced, in order, by a value. */
export function fill(url: string, values: readonly string[]): string {
  let next = 0
  return url
    .split('/')
    .map((segment) => (segment.startsWith(':') ? encodeURIComponent(values[next++] ?? '') : segment))
    .join('/')
}

/** As the shell decides it: the API (and /metrics) takes bearer tokens; its documentation page does not. */
export function isApiPath(url: string): boolean {
  return url === '/metrics' || (url.startsWith('/api/') && url !== '/api/docs')
}

/**
 * The tuples of values to ask a route with, for one borough: every parameter's first value (a value not
 * already used, where it has one), then each other value of one parameter at a time with the rest held. A parameter with no value
 * in the borough leaves the borough out.
 */
export function tuplesFrom(lists: readonly (readonly string[])[]): string[][] {
  if (lists.some((list) => list.length === 0)) return []
  const base: string[] = []
  for (const list of lists) base.push(list.find((v) => !base.includes(v)) ?? (list[0] as string))
  const tuples = [base]
  lists.forEach((list, i) => {
    for (const value of list) if (value !== base[i]) tuples.push(base.map((b, j) => (j === i ? value : b)))
  })
  return tuples
}

/** A class of value a route parameter may take: a kind of record, by its id or by its ref. */
export interface ValueClass {
  kind: string
  form: 'id' | 'ref'
}

export function classesOf(records: readonly SweepRecord[]): ValueClass[] {
  const keys = new Map<string, ValueClass>()
  for (const record of records.filter((r) => r.inPaths)) {
    keys.set(`${record.kind}:id`, { kind: record.kind, form: 'id' })
    if (record.ref) keys.set(`${record.kind}:ref`, { kind: record.kind, form: 'ref' })
  }
  return [...keys.values()]
}

export function valuesOf(records: readonly SweepRecord[], c: ValueClass, borough: BoroughKey): string[] {
  return records
    .filter((r) => r.inPaths && r.kind === c.kind && r.borough === borough)
    .map((r) => (c.form === 'id' ? r.id : r.ref))
    .filter((v): v is string => v !== null)
}

const uuidPattern = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi
/** The fixture's refs all look like SWPAC-M: letters, a dash, the borough's key. */
const refPattern = /\bSW[A-Z]+-(?:A1|B1|M)\b/gi

/** What gives away records outside an area: their ids, refs and their children's names. */
export class Markers {
  private readonly ids = new Map<string, SweepRecord>()
  private readonly refs = new Map<string, SweepRecord>()
  private readonly names = new Map<string, SweepRecord>()

  constructor(records: readonly SweepRecord[]) {
    for (const record of records.filter((r) => r.sensitive)) {
      this.ids.set(record.id.toLowerCase(), record)
      if (record.ref) this.refs.set(record.ref.toUpperCase(), record)
      for (const name of record.names) this.names.set(name.toLowerCase(), record)
    }
  }

  /** Each marker found in the text, as `kind REF id|ref|name`, once each. */
  leaksIn(text: string): string[] {
    const found = new Set<string>()
    const describe = (record: SweepRecord, what: string) =>
      `${record.kind} ${record.ref ?? record.id} (${record.borough}) by ${what}`
    for (const match of text.matchAll(uuidPattern)) {
      const record = this.ids.get(match[0].toLowerCase())
      if (record) found.add(describe(record, 'id'))
    }
    for (const match of text.matchAll(refPattern)) {
      const record = this.refs.get(match[0].toUpperCase())
      if (record) found.add(describe(record, 'ref'))
    }
    const lower = text.toLowerCase()
    for (const [name, record] of this.names)
      if (lower.includes(name)) found.add(`child of ${record.borough} by name ${name}`)
    return [...found].sort()
  }
}
