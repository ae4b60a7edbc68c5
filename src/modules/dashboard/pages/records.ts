import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { reachOf } from '../../../platform/access/need-to-know.ts'
import type { Principal } from '../../../platform/auth/principal.ts'
import { ValidationError } from '../../../platform/http/errors.ts'
import { page, view } from '../../../platform/http/page.ts'
import type { Measure, MeasureScope, RecordBehind } from '../../../platform/measures.ts'
import { findingKind } from '../../../standards/access.ts'
import { dashboardAccess } from '../access.ts'
import { lastCompleteMonth, monthLabel, periodOf, plusMonths } from '../months.ts'
import { dashboardQueryOf, filtersOf } from './query.ts'
import { areaOf, type DashboardPageDeps, dashboardPath, measuresFor } from './shared.ts'

/** The most records one page lists; the count above the table says how many there are. */
const shownAtMost = 500

/** Does the measure open record by record: findings for the engine's, the module's own records for a module's. */
export const drillsDown = (measure: Measure) => Boolean(measure.findingsBehind || measure.recordsBehind)

/**
 * The records behind a figure: those the measure was taken over for the area and month (the engine's
 * findings, or the owning module's records), as many as the reader's need to know reaches (a BCU lead sees
 * their BCU's, a force-wide role all), with how many there are in all, so the list's length can be checked
 * against the figure. The read is logged as one list of the records shown.
 */
export function recordsPage(app: FastifyInstance, deps: DashboardPageDeps) {
  page(app, `${dashboardPath}/records`, {
    access: dashboardAccess.read,
    get: async ({ request, principal, query }) => {
      const asked = dashboardQueryOf(query)
      const measure = asked.id ? deps.dashboard.measure(asked.id) : undefined
      if (!measure) throw new ValidationError([{ field: 'id', reason: 'is not a measure Kestrel keeps' }])
      if (!drillsDown(measure))
        throw new ValidationError([{ field: 'id', reason: 'cannot be opened record by record yet' }])
      const latest = lastCompleteMonth(deps.clock.now())
      const month = asked.month ?? latest
      if (month > plusMonths(latest, 1))
        throw new ValidationError([{ field: 'month', reason: 'must not be after this month' }])
      const { area } = await areaOf(deps, asked)
      if (!measuresFor(area, [measure]).length)
        throw new ValidationError([{ field: 'id', reason: 'is not a measure that can be counted by team' }])
      const scope = { ...periodOf(month), boroughIds: area.boroughIds, teamId: area.teamId }
      const found = measure.recordsBehind
        ? await moduleRecords(deps, measure, scope, principal)
        : await findings(deps, measure, scope, principal)
      await deps.accessLog.recordList({
        actorId: principal.id,
        actorName: principal.username,
        subjectKind: found.kind,
        query: `GET ${request.url}`,
        ids: [...new Set(found.rows.map((r) => r.id))],
        requestId: request.id,
      })
      const kept = { ...asked, month }
      return view('dashboard/views/records.njk', {
        pageTitle: `${measure.title}: the ${found.noun} behind the figure`,
        measure,
        noun: found.total === 1 ? found.nounOne : found.noun,
        countedAs: found.countedAs,
        areaName: area.name,
        monthLabel: monthLabel(month),
        total: found.total,
        seen: found.seen,
        shownAtMost,
        back: `${dashboardPath}/measure?${filtersOf(kept)}&id=${encodeURIComponent(measure.id)}`,
        findings: measure.recordsBehind ? [] : found.rows,
        records: measure.recordsBehind ? found.rows : [],
      })
    },
  })
}

/** The engine's findings behind the figure, as far as findingKind's one SQL condition reaches. */
async function findings(
  deps: DashboardPageDeps,
  measure: Measure,
  scope: MeasureScope,
  principal: Principal,
) {
  const behind = (measure.findingsBehind as NonNullable<Measure['findingsBehind']>)(scope)
  const visible = findingKind.where(reachOf(principal), 'f')
  const [{ rows: counts }, { rows }] = await Promise.all([
    sql<{ total: number; seen: number }>`
      select count(*)::int as total, count(*) filter (where ${visible})::int as seen
      from finding f where f.id in (${behind})`.execute(deps.db),
    sql<{
      id: string
      rule_id: string
      subject_ref: string | null
      status: string
      due_at: Date | null
      breached_at: Date | null
      closed_at: Date | null
    }>`
      select f.id, f.rule_id, f.subject_ref, f.status, f.due_at, f.breached_at, f.closed_at
      from finding f where f.id in (${behind}) and ${visible}
      order by coalesce(f.breached_at, f.due_at, f.opened_at) desc, f.id
      limit ${shownAtMost}`.execute(deps.db),
  ])
  return {
    kind: findingKind.kind,
    noun: 'findings',
    nounOne: 'finding',
    countedAs: undefined,
    total: counts[0]?.total ?? 0,
    seen: counts[0]?.seen ?? 0,
    rows,
  }
}

/**
 * A module's records behind the figure: its query gives every record counted, each marked with whether the
 * reader's need to know reaches it (the module's own condition), so the count in all is the figure's `over`
 * and only those reached are listed.
 */
async function moduleRecords(
  deps: DashboardPageDeps,
  measure: Measure,
  scope: MeasureScope,
  principal: Principal,
) {
  const declared = measure.recordsBehind as NonNullable<Measure['recordsBehind']>
  const behind = await declared.query(deps.db, scope, principal)
  const [{ rows: counts }, { rows }] = await Promise.all([
    sql<{ total: number; seen: number }>`
      select count(*)::int as total, count(*) filter (where b.visible)::int as seen
      from (${behind}) b`.execute(deps.db),
    sql<RecordBehind>`
      select b.* from (${behind}) b where b.visible
      order by b.at desc nulls last, b.ref, b.id
      limit ${shownAtMost}`.execute(deps.db),
  ])
  return {
    kind: declared.kind,
    noun: declared.noun,
    nounOne: declared.nounOne,
    countedAs: declared.countedAs,
    total: counts[0]?.total ?? 0,
    seen: counts[0]?.seen ?? 0,
    rows,
  }
}
