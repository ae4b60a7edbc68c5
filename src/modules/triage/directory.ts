import { sql } from 'kysely'
import type { Executor } from '../../platform/db/database.ts'

/**
 * What the triage module needs from the organisation inside its own write transaction: a team's or a
 * borough's area (borough and BCU) on the day a device was seized.
 *
 * TODO(organisation service): `team` and `bcuForBorough` read through the outer connection, which deadlocks
 * inside a transaction on the embedded database; until they take an executor, this read-only query is the
 * one place this module reads another module's tables (as custody's directory.ts does).
 */
export async function areaOf(
  q: Executor,
  place: { teamId: string | null; boroughId: string | null },
  day: string,
): Promise<{ boroughId: string | null; bcuId: string | null }> {
  if (!place.teamId && !place.boroughId) return { boroughId: null, bcuId: null }
  const { rows } = await sql<{ borough_id: string | null; bcu_id: string | null }>`
    with place as (
      select coalesce(${place.boroughId}::uuid, t.borough_id) as borough_id, t.bcu_id as team_bcu
      from (select 1) one left join team t on t.id = ${place.teamId}::uuid
    )
    select p.borough_id, coalesce((select bb.bcu_id from borough_bcu bb where bb.borough_id = p.borough_id
        and bb.effective_from <= ${day}::date and (bb.effective_to is null or bb.effective_to >= ${day}::date)
        limit 1), p.team_bcu) as bcu_id
    from place p`.execute(q)
  const r = rows[0]
  return { boroughId: r?.borough_id ?? null, bcuId: r?.bcu_id ?? null }
}

/** Team and borough ids by name (the import format's refs), for the API. */
export async function placesByName(
  q: Executor,
  names: { team?: string | undefined; borough?: string | undefined },
): Promise<{ teamId: string | null; boroughId: string | null; missing: ('team' | 'borough')[] }> {
  const missing: ('team' | 'borough')[] = []
  let teamId: string | null = null
  let boroughId: string | null = null
  if (names.team) {
    const { rows } = await sql<{ id: string }>`
      select id from team where lower(name) = lower(${names.team}) limit 1`.execute(q)
    teamId = rows[0]?.id ?? null
    if (!teamId) missing.push('team')
  }
  if (names.borough) {
    const { rows } = await sql<{ id: string }>`
      select id from borough where lower(name) = lower(${names.borough}) limit 1`.execute(q)
    boroughId = rows[0]?.id ?? null
    if (!boroughId) missing.push('borough')
  }
  return { teamId, boroughId, missing }
}
