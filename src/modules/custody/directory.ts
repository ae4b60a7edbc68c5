import { sql } from 'kysely'
import type { Executor } from '../../platform/db/database.ts'

/**
 * What the custody module needs from the person index and the organisation inside its own write
 * transaction: a child's age facts by ref, and a custody suite with its area on a day.
 *
 * TODO(children, organisation services): the children service's `find` and the organisation service's
 * `team`/`bcuForBorough` read through the outer connection, which deadlocks inside a transaction on the
 * embedded database; until they take an executor, these two read-only queries are the one place this
 * module reads another module's tables.
 */

export interface ChildFacts {
  id: string
  ref: string
  name: string
  dateOfBirth: string | null
  estimatedAgeYears: number | null
  estimatedAgeOn: string | null
}

export interface SuiteFacts {
  id: string
  name: string
  kind: string
  boroughId: string | null
  bcuId: string | null
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** People by ref or id (a merged record answers with the person it was merged into). */
export async function childrenByRefOrId(
  q: Executor,
  keys: readonly string[],
): Promise<Map<string, ChildFacts>> {
  if (keys.length === 0) return new Map()
  const ids = keys.filter((k) => uuid.test(k))
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
 * Teams by id or name, each with the borough and BCU it served on a day ('YYYY-MM-DD'): one query for a
 * whole batch. Keyed `${day}\u0000${key}`.
 */
export async function suitesOnDays(
  q: Executor,
  asked: readonly { key: string; day: string }[],
): Promise<Map<string, SuiteFacts>> {
  if (asked.length === 0) return new Map()
  const keys = [...new Set(asked.map((a) => a.key))]
  const days = [...new Set(asked.map((a) => a.day))]
  const ids = keys.filter((k) => uuid.test(k))
  const names = keys.map((k) => k.toLowerCase())
  const { rows } = await sql<{
    day: string
    id: string
    name: string
    kind: string
    borough_id: string | null
    bcu_id: string | null
  }>`
    select d.day::text as day, t.id, t.name, t.kind, t.borough_id,
      coalesce(t.bcu_id, (select bb.bcu_id from borough_bcu bb where bb.borough_id = t.borough_id
        and bb.effective_from <= d.day and (bb.effective_to is null or bb.effective_to >= d.day)
        limit 1)) as bcu_id
    from team t cross join unnest(${days}::date[]) as d(day)
    where t.id = any(${ids}::uuid[]) or lower(t.name) = any(${names}::text[])`.execute(q)
  const byDay = new Map<string, typeof rows>()
  for (const r of rows) byDay.set(r.day, [...(byDay.get(r.day) ?? []), r])
  const out = new Map<string, SuiteFacts>()
  for (const { key, day } of asked) {
    const r = byDay.get(day)?.find((r) => key === r.id || key.toLowerCase() === r.name.toLowerCase())
    if (r)
      out.set(`${day}\u0000${key}`, {
        id: r.id,
        name: r.name,
        kind: r.kind,
        boroughId: r.borough_id,
        bcuId: r.bcu_id,
      })
  }
  return out
}
