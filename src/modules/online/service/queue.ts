import { sql } from 'kysely'
import { z } from 'zod'
import type { AccessLogService, ListQuery } from '../../../platform/access/access-log.ts'
import type { Principal } from '../../../platform/auth/principal.ts'
import type { Executor } from '../../../platform/db/database.ts'
import { isUuid } from '../../../platform/ids.ts'
import { coercedInstant } from '../../../platform/time-schemas.ts'
import { onlineCaseKind, onlineReach } from '../access.ts'
import { type KiratLevel, openStages, type Stage, type TeamKind, teamKinds } from '../online-case.ts'

/** The queue's filters, as the page's query and the API's give them; every one may be left out. */
export const queueFilter = z
  .object({
    borough: z.string().trim().max(200).optional().describe('The borough the case lies in: its id'),
    teamKind: z.enum(teamKinds, { message: `must be one of ${teamKinds.join(', ')}` }).optional(),
    asOf: coercedInstant('must be a date and time').optional().describe('The queue as it stood then'),
  })
  .strict()
export type QueueFilter = z.output<typeof queueFilter>

/** Cases the queue lists in full; the counts at its top cover every open case. */
export const queueShown = 500

export interface QueueItem {
  id: string
  ref: string
  stage: Stage
  stageAt: Date
  msInStage: number
  kirat: KiratLevel | null
  children: number
  borough: string | null
  teamKind: TeamKind | null
}

/**
 * Every open case the reader may see, as the queue stood at `asOf` (now by default): each case's stage then
 * (its latest stage change at or before asOf), how long it had been in it, its KIRAT level and the children
 * identified by then, longest in stage first, with the counts per stage. Computed from the stage changes, so
 * a past date gives the queue as it was. The read is logged with every case shown.
 */
export async function queue(
  q: Executor,
  deps: { accessLog: AccessLogService; clock: { now(): Date } },
  principal: Principal,
  filter: QueueFilter,
  read: ListQuery & { shown?: number },
) {
  const asOf = filter.asOf ?? deps.clock.now()
  const reach = await onlineReach(q, principal)
  // A borough that is not an id is no filter, as the other lists read theirs.
  const borough = filter.borough && isUuid(filter.borough) ? filter.borough : null
  const { rows } = await sql<{
    id: string
    ref: string
    stage: Stage
    stage_at: Date
    kirat: KiratLevel | null
    children: number
    borough: string | null
    team_kind: TeamKind | null
  }>`
    select online_case.id, online_case.ref, s.stage, s.at as stage_at, k.level as kirat,
      (select count(*)::int from online_case_child ch where ch.case_id = online_case.id
        and ch.identified_at <= ${asOf}) as children,
      b.name as borough, a.team_kind
    from online_case
    cross join lateral (select st.stage, st.at from online_case_stage st where st.case_id = online_case.id
      and st.at <= ${asOf} order by st.seq desc limit 1) s
    left join lateral (select st.team_kind from online_case_stage st where st.case_id = online_case.id
      and st.stage = 'allocated' and st.at <= ${asOf} order by st.seq desc limit 1) a on true
    left join lateral (select kr.level from online_kirat kr where kr.case_id = online_case.id
      and kr.assessed_at <= ${asOf} order by kr.assessed_at desc, kr.recorded_at desc limit 1) k on true
    left join borough b on b.id = online_case.borough_id
    where ${onlineCaseKind.where(reach)} and online_case.received_at <= ${asOf} and s.stage <> 'closed'
      ${borough ? sql`and online_case.borough_id = ${borough}::uuid` : sql``}
      ${filter.teamKind ? sql`and a.team_kind = ${filter.teamKind}` : sql``}
    order by s.at, online_case.ref`.execute(q)
  const counts = Object.fromEntries(openStages.map((s) => [s, 0])) as Record<Stage, number>
  for (const r of rows) counts[r.stage]++
  const items: QueueItem[] = rows.slice(0, read.shown ?? queueShown).map((r) => ({
    id: r.id,
    ref: r.ref,
    stage: r.stage,
    stageAt: r.stage_at,
    msInStage: asOf.getTime() - r.stage_at.getTime(),
    kirat: r.kirat,
    children: r.children,
    borough: r.borough,
    teamKind: r.team_kind,
  }))
  await deps.accessLog.recordListQuery(read, {
    actorId: principal.id,
    actorName: principal.username,
    subjectKind: onlineCaseKind.kind,
    ids: items.map((i) => i.id),
  })
  return { asOf, total: rows.length, counts, items }
}

/**
 * The queue's history: the open cases the reader may see in each stage at the start of each month given, each
 * case in the stage of its latest change before then (as the queue would have shown it). The read is logged.
 */
export async function queueHistory(
  q: Executor,
  deps: { accessLog: AccessLogService },
  principal: Principal,
  months: readonly Date[],
  read: { query: string; requestId?: string | null },
) {
  const reach = await onlineReach(q, principal)
  const { rows } = await sql<{ at: Date; stage: Stage; n: number }>`
    select m.at, s.stage, count(*)::int as n
    from unnest(${months.map((m) => m.toISOString())}::timestamptz[]) as m(at)
    join online_case on online_case.received_at <= m.at
    cross join lateral (select st.stage from online_case_stage st where st.case_id = online_case.id
      and st.at <= m.at order by st.seq desc limit 1) s
    where ${onlineCaseKind.where(reach)} and s.stage <> 'closed'
    group by m.at, s.stage`.execute(q)
  await deps.accessLog.recordList({
    actorId: principal.id,
    actorName: principal.username,
    subjectKind: onlineCaseKind.kind,
    query: read.query,
    ids: [],
    requestId: read.requestId ?? null,
    detail: { counts: 'open cases by stage at the start of each month' },
  })
  return months.map((at) => {
    const counts = Object.fromEntries(openStages.map((s) => [s, 0])) as Record<Stage, number>
    for (const r of rows.filter((r) => new Date(r.at).getTime() === at.getTime()))
      counts[r.stage] = Number(r.n)
    return { at, counts }
  })
}
