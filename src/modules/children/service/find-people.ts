import { sql } from 'kysely'
import type { Executor } from '../../../platform/db/database.ts'
import { NotFoundError } from '../../../platform/http/errors.ts'
import { isUuid } from '../../../platform/ids.ts'
import { type Person, toPerson } from './records.ts'

/**
 * Finding people by id or reference, one at a time or a batch at once, on the caller's executor: a merged
 * record answers with the person it was merged into (merges always point at a record that is not merged).
 */

async function personById(q: Executor, id: string): Promise<Person | undefined> {
  if (!isUuid(id)) return undefined
  const row = await q.selectFrom('person').selectAll().where('id', '=', id).executeTakeFirst()
  return row ? toPerson(row) : undefined
}

async function resolve(q: Executor, person: Person | undefined): Promise<Person | undefined> {
  let current = person
  for (let hop = 0; current?.mergedInto && hop < 10; hop++) current = await personById(q, current.mergedInto)
  return current
}

/** The person with this id as stored (merged or not); 404 when there is none. */
export async function mustGet(q: Executor, id: string): Promise<Person> {
  const person = await personById(q, id)
  if (!person) throw new NotFoundError('There is no person with this id')
  return person
}

/** A person by id or ref; a merged record resolves to the person it was merged into. */
export async function find(q: Executor, idOrRef: string): Promise<Person | undefined> {
  const key = idOrRef.trim()
  if (!key) return undefined
  const byId = isUuid(key) ? await personById(q, key) : undefined
  if (byId) return resolve(q, byId)
  const row = await q
    .selectFrom('person')
    .selectAll()
    // Both forms hit the unique index on ref; references are written in capitals almost everywhere.
    .where('ref', 'in', [...new Set([key, key.toUpperCase()])])
    .executeTakeFirst()
  return resolve(q, row ? toPerson(row) : undefined)
}

/** As `find`, 404 when nobody has this id or ref. */
export async function get(q: Executor, idOrRef: string): Promise<Person> {
  const person = await find(q, idOrRef)
  if (!person) throw new NotFoundError('There is no person with this reference')
  return person
}

/** The record with this id as stored, without following a merge: a merged record's page says where it went. */
export async function findRecord(
  q: Executor,
  id: string,
): Promise<(Person & { mergedAt: Date | null }) | undefined> {
  if (!isUuid(id)) return undefined
  const row = await q.selectFrom('person').selectAll().where('id', '=', id).executeTakeFirst()
  return row ? { ...toPerson(row), mergedAt: row.merged_at } : undefined
}

/**
 * Dates of birth of many people at once (a merged record answers with its survivor's), for imports that
 * need each person's age: one query for the batch instead of one `find` per person.
 */
export async function datesOfBirth(q: Executor, ids: readonly string[]): Promise<Map<string, string | null>> {
  const wanted = [...new Set(ids.filter(isUuid))]
  if (wanted.length === 0) return new Map()
  const { rows } = await sql<{ id: string; date_of_birth: string | null }>`
    with recursive chain as (
      select p.id as asked, p.id, p.merged_into, p.date_of_birth, 0 as hop
      from person p where p.id = any(cast(${wanted} as uuid[]))
      union all
      select c.asked, p.id, p.merged_into, p.date_of_birth, c.hop + 1
      from chain c join person p on p.id = c.merged_into where c.hop < 10
    )
    select cast(asked as text) as id, cast(date_of_birth as text) as date_of_birth
    from chain where merged_into is null`.execute(q)
  return new Map(rows.map((r) => [r.id, r.date_of_birth]))
}

/**
 * People by id or ref as `find` answers (an id first, then the ref as given or in capitals; a merged record
 * answers with its survivor), for a whole batch: one query, plus one per merge hop.
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
  const survivor = (person: Person | undefined) => {
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
    const person = survivor(found)
    if (person) out.set(key, person)
  }
  return out
}

/** What custody checks about a child: who they are and how old. */
export interface ChildFacts {
  id: string
  ref: string
  name: string
  dateOfBirth: string | null
  estimatedAgeYears: number | null
  estimatedAgeOn: string | null
}

/** People by ref or id (a merged record answers with the person it was merged into), for a batch. */
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
