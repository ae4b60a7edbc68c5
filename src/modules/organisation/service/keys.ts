import { sql } from 'kysely'
import type { Executor } from '../../../platform/db/database.ts'
import { isUuid } from '../../../platform/ids.ts'

/*
 * Lookups by the keys other systems and import lines name things by (a borough's name, a staff number) or
 * by id, many at once on the caller's executor, so a module's batch writer reads them inside its transaction.
 * Each answers a map keyed by the key as asked; a key that names nothing is absent.
 */

/** The distinct keys asked, trimmed, empty ones dropped, and those that are ids in lower case. */
function keysOf(keys: readonly string[]) {
  const asked = [...new Set(keys.map((k) => k.trim()).filter(Boolean))]
  return { asked, ids: asked.filter((k) => isUuid(k)).map((k) => k.toLowerCase()) }
}

/** Boroughs by name (any case) or id, with the BCU that holds each on a day. */
export async function boroughsByKey(q: Executor, keys: readonly string[], day: string) {
  const { asked, ids } = keysOf(keys)
  const out = new Map<string, { id: string; name: string; bcuId: string | null }>()
  if (asked.length === 0) return out
  const { rows } = await sql<{ id: string; name: string; bcu_id: string | null }>`
    select b.id, b.name, (select bb.bcu_id from borough_bcu bb where bb.borough_id = b.id
        and bb.effective_from <= ${day}::date and (bb.effective_to is null or bb.effective_to >= ${day}::date)
        limit 1) as bcu_id
    from borough b
    where b.id = any(${ids}::uuid[]) or lower(b.name) = any(${asked.map((k) => k.toLowerCase())}::text[])`.execute(
    q,
  )
  for (const key of asked) {
    const r = rows.find((b) => b.id === key.toLowerCase() || b.name.toLowerCase() === key.toLowerCase())
    if (r) out.set(key, { id: r.id, name: r.name, bcuId: r.bcu_id })
  }
  return out
}

/** A member of staff by staff number (any case) or id, with their team and its kind. */
export interface StaffByKey {
  id: string
  staffNumber: string
  name: string
  teamId: string | null
  teamKind: string | null
}

export async function staffByKey(q: Executor, keys: readonly string[]): Promise<Map<string, StaffByKey>> {
  const { asked, ids } = keysOf(keys)
  const out = new Map<string, StaffByKey>()
  if (asked.length === 0) return out
  const { rows } = await sql<{
    id: string
    staff_number: string
    name: string
    team_id: string | null
    kind: string | null
  }>`
    select s.id, s.staff_number, s.name, s.team_id, t.kind from staff s left join team t on t.id = s.team_id
    where s.id = any(${ids}::uuid[]) or upper(s.staff_number) = any(${asked.map((k) => k.toUpperCase())}::text[])`.execute(
    q,
  )
  for (const key of asked) {
    const r = rows.find(
      (s) => s.id === key.toLowerCase() || s.staff_number.toUpperCase() === key.toUpperCase(),
    )
    if (r)
      out.set(key, {
        id: r.id,
        staffNumber: r.staff_number,
        name: r.name,
        teamId: r.team_id,
        teamKind: r.kind,
      })
  }
  return out
}
