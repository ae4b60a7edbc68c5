import { sql } from 'kysely'
import type { Executor } from '../../platform/db/database.ts'
import { asDay, asDayOrNull, type FlagKind, type FlagRow } from '../children/person.ts'
import { type Person, toPerson } from '../children/service.ts'

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * The one read this module makes of another module's table inside its own transactions: a PAC by its
 * Merlin reference or id, to link it to an episode (MIS-09) and check it is about the same child.
 *
 * TODO(referrals service): the referrals service reads through the outer connection (which waits for ever
 * inside a transaction on the embedded database) and has no lookup by ref; once it offers one that takes
 * an executor, this goes.
 */
export async function pacByRefOrId(
  q: Executor,
  key: string,
): Promise<{ id: string; ref: string; personId: string; concerns: string[] } | undefined> {
  const trimmed = key.trim()
  if (!trimmed) return undefined
  const isId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(trimmed)
  const { rows } = await sql<{ id: string; ref: string; person_id: string; concerns: string[] }>`
    select id, ref, person_id, concerns from pac
    where ${isId ? sql`id = ${trimmed}::uuid` : sql`upper(ref) = upper(${trimmed})`}`.execute(q)
  const row = rows[0]
  return row ? { id: row.id, ref: row.ref, personId: row.person_id, concerns: row.concerns } : undefined
}

/** PACs by Merlin reference or id, one query for a batch; keyed by the key as given. */
export async function pacsByRefOrId(
  q: Executor,
  keys: readonly string[],
): Promise<Map<string, { id: string; ref: string; personId: string; concerns: string[] }>> {
  const asked = [...new Set(keys.map((k) => k.trim()).filter(Boolean))]
  if (asked.length === 0) return new Map()
  const ids = asked.filter((k) => uuid.test(k)).map((k) => k.toLowerCase())
  const refs = asked.filter((k) => !uuid.test(k)).map((k) => k.toUpperCase())
  const { rows } = await sql<{ id: string; ref: string; person_id: string; concerns: string[] }>`
    select id, ref, person_id, concerns from pac
    where id = any(${ids}::uuid[]) or upper(ref) = any(${refs}::text[])`.execute(q)
  const out = new Map<string, { id: string; ref: string; personId: string; concerns: string[] }>()
  for (const key of keys) {
    const k = key.trim()
    const isId = uuid.test(k)
    const row = rows.find((r) => (isId ? r.id === k.toLowerCase() : r.ref.toUpperCase() === k.toUpperCase()))
    if (row) out.set(key, { id: row.id, ref: row.ref, personId: row.person_id, concerns: row.concerns })
  }
  return out
}

/**
 * People by id or ref as the children service's `find` answers (an id first, then the ref as given or in
 * capitals; a merged record answers with its survivor), for a whole batch: one query, plus one per merge hop.
 *
 * TODO(children service): it has no batch lookup and reads through the outer connection; once it offers
 * one on an executor, this goes.
 */
export async function peopleByKey(q: Executor, keys: readonly string[]): Promise<Map<string, Person>> {
  const asked = [...new Set(keys.map((k) => k.trim()).filter(Boolean))]
  if (asked.length === 0) return new Map()
  const ids = asked.filter((k) => uuid.test(k)).map((k) => k.toLowerCase())
  const refs = [...new Set(asked.flatMap((k) => [k, k.toUpperCase()]))]
  const rows = await q
    .selectFrom('person')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb('id', '=', sql<string>`any(${ids}::uuid[])`),
        eb('ref', '=', sql<string>`any(${refs}::text[])`),
      ]),
    )
    .execute()
  const byId = new Map(rows.map((r) => [r.id, toPerson(r)]))
  const byRef = new Map(rows.map((r) => [r.ref, toPerson(r)]))
  // Follow merges a hop at a time (at most ten, as `find` does), loading the survivors not yet read.
  for (let hop = 0; hop < 10; hop++) {
    const wanted = [...byId.values()]
      .map((p) => p.mergedInto)
      .filter((id): id is string => Boolean(id) && !byId.has(id as string))
    if (wanted.length === 0) break
    const more = await q
      .selectFrom('person')
      .selectAll()
      .where('id', 'in', [...new Set(wanted)])
      .execute()
    for (const r of more) byId.set(r.id, toPerson(r))
  }
  const resolve = (person: Person | undefined) => {
    let current = person
    for (let hop = 0; current?.mergedInto && hop < 10; hop++) current = byId.get(current.mergedInto)
    return current
  }
  const out = new Map<string, Person>()
  for (const key of keys) {
    const k = key.trim()
    if (!k) continue
    const found =
      (uuid.test(k) ? byId.get(k.toLowerCase()) : undefined) ?? byRef.get(k) ?? byRef.get(k.toUpperCase())
    const person = resolve(found)
    if (person) out.set(key, person)
  }
  return out
}

/** Each person's flag rows, latest-starting first, one query for a batch. */
export async function flagRowsOf(q: Executor, personIds: readonly string[]): Promise<Map<string, FlagRow[]>> {
  const out = new Map<string, FlagRow[]>()
  if (personIds.length === 0) return out
  const rows = await q
    .selectFrom('person_flag')
    .select(['id', 'person_id', 'flag', 'detail', 'from_date', 'to_date'])
    .where('person_id', 'in', [...new Set(personIds)])
    .orderBy('from_date', 'desc')
    .execute()
  for (const r of rows) {
    const list = out.get(r.person_id) ?? []
    list.push({
      id: r.id,
      flag: r.flag as FlagKind,
      detail: r.detail,
      fromDate: asDay(r.from_date),
      toDate: asDayOrNull(r.to_date),
    })
    out.set(r.person_id, list)
  }
  return out
}

/** Each person's addresses with a borough, latest-starting first, one query for a batch. */
export async function addressBoroughsOf(
  q: Executor,
  personIds: readonly string[],
): Promise<Map<string, { boroughId: string | null; fromDate: string; toDate: string | null }[]>> {
  const out = new Map<string, { boroughId: string | null; fromDate: string; toDate: string | null }[]>()
  if (personIds.length === 0) return out
  const rows = await q
    .selectFrom('person_address')
    .select(['person_id', 'borough_id', 'from_date', 'to_date'])
    .where('person_id', 'in', [...new Set(personIds)])
    .orderBy('from_date', 'desc')
    .execute()
  for (const r of rows)
    out.set(r.person_id, [
      ...(out.get(r.person_id) ?? []),
      { boroughId: r.borough_id, fromDate: asDay(r.from_date), toDate: asDayOrNull(r.to_date) },
    ])
  return out
}

/** The borough of the address a person had on a day, as the children service's `boroughOn` answers. */
export function boroughOn(
  addresses: readonly { boroughId: string | null; fromDate: string; toDate: string | null }[],
  day: string,
): string | null {
  const address = addresses.find((a) => a.fromDate <= day && (a.toDate === null || a.toDate >= day))
  return address?.boroughId ?? null
}
