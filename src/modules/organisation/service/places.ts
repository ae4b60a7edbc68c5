import { sql } from 'kysely'
import type { Executor } from '../../../platform/db/database.ts'
import { isUuid } from '../../../platform/ids.ts'

/**
 * Teams, boroughs and their BCU on a day, read on a caller's executor, for modules that check them inside
 * their own write transaction (custody, triage): the organisation service reads through its own
 * connection, which would wait for ever inside a transaction on the embedded database. Read-only.
 */

/** A team with the borough and BCU it served on a day. */
export interface TeamOnDay {
  id: string
  name: string
  kind: string
  boroughId: string | null
  bcuId: string | null
}

/**
 * Teams by id or name, each with the borough and BCU it served on a day ('YYYY-MM-DD'): one query for a
 * whole batch. Keyed `${day}\u0000${key}`.
 */
export async function teamsOnDays(
  q: Executor,
  asked: readonly { key: string; day: string }[],
): Promise<Map<string, TeamOnDay>> {
  if (asked.length === 0) return new Map()
  const keys = [...new Set(asked.map((a) => a.key))]
  const days = [...new Set(asked.map((a) => a.day))]
  const ids = keys.filter((k) => isUuid(k))
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
  const out = new Map<string, TeamOnDay>()
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

/** A team's or a borough's area (borough and BCU) on a day. */
export async function areaOf(
  q: Executor,
  place: { teamId: string | null; boroughId: string | null },
  day: string,
): Promise<{ boroughId: string | null; bcuId: string | null }> {
  const [area] = await areasOf(q, [{ ...place, day }])
  return area ?? { boroughId: null, bcuId: null }
}

/**
 * Many places' areas (borough and BCU) on their days, in the order asked, in one query: the borough given or
 * the team's, and that borough's BCU on the day (a team with no borough keeps its own BCU).
 */
export async function areasOf(
  q: Executor,
  places: readonly { teamId: string | null; boroughId: string | null; day: string }[],
): Promise<{ boroughId: string | null; bcuId: string | null }[]> {
  if (places.length === 0) return []
  const { rows } = await sql<{ n: number; borough_id: string | null; bcu_id: string | null }>`
    with place as (
      select a.n, a.day, coalesce(a.borough_id, t.borough_id) as borough_id, t.bcu_id as team_bcu
      from unnest(${places.map((p) => p.teamId)}::uuid[], ${places.map((p) => p.boroughId)}::uuid[],
        ${places.map((p) => p.day)}::date[]) with ordinality as a(team_id, borough_id, day, n)
      left join team t on t.id = a.team_id
    )
    select p.n::int as n, p.borough_id, coalesce((select bb.bcu_id from borough_bcu bb
        where bb.borough_id = p.borough_id and bb.effective_from <= p.day
          and (bb.effective_to is null or bb.effective_to >= p.day)
        limit 1), p.team_bcu) as bcu_id
    from place p order by p.n`.execute(q)
  return rows.map((r) => ({ boroughId: r.borough_id, bcuId: r.bcu_id }))
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

/** The kind of each team asked about (a team that does not exist is not in the map). */
export async function teamKinds(q: Executor, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map()
  const rows = await q
    .selectFrom('team')
    .select(['id', 'kind'])
    .where('id', 'in', [...ids])
    .execute()
  return new Map(rows.map((t) => [t.id, t.kind]))
}
