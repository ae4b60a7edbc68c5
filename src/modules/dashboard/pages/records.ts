import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { reachOf } from '../../../platform/access/need-to-know.ts'
import { ValidationError } from '../../../platform/http/errors.ts'
import { page, view } from '../../../platform/http/page.ts'
import { findingKind } from '../../../standards/access.ts'
import { dashboardAccess } from '../access.ts'
import { lastCompleteMonth, monthLabel, periodOf, plusMonths } from '../months.ts'
import { dashboardQueryOf, filtersOf } from './query.ts'
import { areaOf, type DashboardPageDeps, dashboardPath, measuresFor } from './shared.ts'

/** The most findings one page lists; the count above the table says how many there are. */
const shownAtMost = 500

/**
 * The findings behind a figure: those the measure was taken over for the area and month, as many as the
 * reader's need to know reaches (a BCU lead sees their BCU's, a force-wide role all), with how many there
 * are in all, so the list's length can be checked against the figure. The read is logged as one list.
 */
export function recordsPage(app: FastifyInstance, deps: DashboardPageDeps) {
  page(app, `${dashboardPath}/records`, {
    access: dashboardAccess.read,
    get: async ({ request, principal, query }) => {
      const asked = dashboardQueryOf(query)
      const measure = asked.id ? deps.dashboard.measure(asked.id) : undefined
      if (!measure) throw new ValidationError([{ field: 'id', reason: 'is not a measure Kestrel keeps' }])
      if (!measure.findingsBehind)
        throw new ValidationError([{ field: 'id', reason: 'cannot be opened record by record yet' }])
      const latest = lastCompleteMonth(deps.clock.now())
      const month = asked.month ?? latest
      if (month > plusMonths(latest, 1))
        throw new ValidationError([{ field: 'month', reason: 'must not be after this month' }])
      const { area } = await areaOf(deps, asked)
      if (!measuresFor(area, [measure]).length)
        throw new ValidationError([{ field: 'id', reason: 'is not a measure that can be counted by team' }])
      const behind = measure.findingsBehind({
        ...periodOf(month),
        boroughIds: area.boroughIds,
        teamId: area.teamId,
      })
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
      await deps.accessLog.recordList({
        actorId: principal.id,
        actorName: principal.username,
        subjectKind: findingKind.kind,
        query: `GET ${request.url}`,
        ids: rows.map((r) => r.id),
        requestId: request.id,
      })
      const kept = { ...asked, month }
      return view('dashboard/views/records.njk', {
        pageTitle: `${measure.title}: the findings behind the figure`,
        measure,
        areaName: area.name,
        monthLabel: monthLabel(month),
        total: counts[0]?.total ?? 0,
        seen: counts[0]?.seen ?? 0,
        shownAtMost,
        back: `${dashboardPath}/measure?${filtersOf(kept)}&id=${encodeURIComponent(measure.id)}`,
        rows,
      })
    },
  })
}
