import { sql } from 'kysely'
import type { Executor } from '../../platform/db/database.ts'
import { asDay, asDayOrNull, type FlagKind, type FlagRow } from './person.ts'
import { isUuid, type Person, toPerson } from './service.ts'

/**
 * The person index read for a whole batch on a caller's executor, for modules that check many people inside
 * their own write transaction (custody, missing imports). Read-only, each a single query for the batch. For
 * one person, the children service's reads take the executor themselves (`find(idOrRef, trx)`,
 * `flagsOn(id, day, trx)`, `relationships(id, trx)`, `boroughOn(id, day, trx)`).
 */

/** What custody checks about a child: who they are and how old. */
export interface ChildFacts {
  id: string
  ref: string
  name: string
  dateOfBirth: string | null
  estimatedAgeYears: number | null
  estimatedAgeOn: string | null
}

/** People by ref or id (a merged record answers with the person it was merged into). */
export async function childrenByRefOrId(
  q: Executor,
  keys: readonly string[],
): Promise<Map<string, ChildFacts>> {
  if (keys.length === 0) return new Map()
  const ids = keys.filter((k) => isUuid(k))
  const refs = keys.map((k) => k.toUpperCase())
  const { rows } = await sql<{
    key_ref: string
    key_id: string
    id: string
    ref: string
    family_name: string
    given_names: string
    date_of_birth: string | null
    estimated_age_years: number | null
    estimated_age_on: string | null
  }>`
    select asked.ref as key_ref, asked.id::text as key_id, p.id, p.ref, p.family_name, p.given_names,
      p.date_of_birth::text as date_of_birth, p.estimated_age_years, p.estimated_age_on::text as estimated_age_on
    from person asked
    join person p on p.id = coalesce(asked.merged_into, asked.id)
    where upper(asked.ref) = any(${refs}::text[]) or asked.id = any(${ids}::uuid[])`.execute(q)
  const out = new Map<string, ChildFacts>()
  for (const r of rows) {
    const facts: ChildFacts = {
      id: r.id,
      ref: r.ref,
      name: `${r.given_names} ${r.family_name.toUpperCase()}`.trim(),
      dateOfBirth: r.date_of_birth,
      estimatedAgeYears: r.estimated_age_years,
      estimatedAgeOn: r.estimated_age_on,
    }
    for (const key of keys) {
      if (key === r.key_id || key.toUpperCase() === r.key_ref.toUpperCase()) out.set(key, facts)
    }
  }
  return out
}

/**
 * People by id or ref as the children service's `find` answers (an id first, then the ref as given or in
 * capitals; a merged record answers with its survivor), for a whole batch: one query, plus one per merge hop.
 */
export async function peopleByKey(q: Executor, keys: readonly string[]): Promise<Map<string, Person>> {
  const asked = [...new Set(keys.map((k) => k.trim()).filter(Boolean))]
  if (asked.length === 0) return new Map()
  const ids = asked.filter((k) => isUuid(k)).map((k) => k.toLowerCase())
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
      (isUuid(k) ? byId.get(k.toLowerCase()) : undefined) ?? byRef.get(k) ?? byRef.get(k.toUpperCase())
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
