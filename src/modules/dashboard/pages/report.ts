import type { FastifyInstance } from 'fastify'
import { ValidationError } from '../../../platform/http/errors.ts'
import { page, view } from '../../../platform/http/page.ts'
import { dashboardAccess } from '../access.ts'
import { changeOf, formatFigure } from '../figures.ts'
import { lastCompleteMonth, monthLabel, plusMonths } from '../months.ts'
import { figureOf } from '../service/values.ts'
import { dashboardQueryOf, filtersOf } from './query.ts'
import { areaOf, byModule, type DashboardPageDeps, dashboardPath, measuresFor } from './shared.ts'

/**
 * The monthly report a BCU's leaders take to their meeting: every measure for the month beside the month
 * before and the same month a year earlier, one section a part of the service, printing on A4 with each
 * section on a page of its own and none of the service's navigation. The same filters as the force view.
 */
export function reportPage(app: FastifyInstance, deps: DashboardPageDeps) {
  page(app, `${dashboardPath}/report`, {
    access: dashboardAccess.read,
    get: async ({ query }) => {
      const asked = dashboardQueryOf(query)
      const latest = lastCompleteMonth(deps.clock.now())
      const month = asked.month ?? latest
      if (month > plusMonths(latest, 1))
        throw new ValidationError([{ field: 'month', reason: 'must not be after this month' }])
      const { area } = await areaOf(deps, asked)
      const before = plusMonths(month, -1)
      const yearBefore = plusMonths(month, -12)
      const measures = measuresFor(area, deps.dashboard.measures())
      const found = await deps.dashboard.figures({
        measures,
        areas: [area],
        months: [yearBefore, before, month],
      })
      const computed = [...found.values()].map((f) => f.computedAt.getTime())
      return view('dashboard/views/report.njk', {
        pageTitle: `Monthly performance report: ${area.name}, ${monthLabel(month)}`,
        monthLabel: monthLabel(month),
        beforeLabel: monthLabel(before),
        yearBeforeLabel: monthLabel(yearBefore),
        back: `${dashboardPath}?${filtersOf({ ...asked, month })}`,
        computedTo: computed.length ? new Date(Math.max(...computed)) : null,
        sections: byModule(measures).map((g) => ({
          ...g,
          rows: g.items.map((m) => {
            const now = figureOf(found, m.id, area, month)
            const previous = figureOf(found, m.id, area, before)
            const lastYear = figureOf(found, m.id, area, yearBefore)
            return {
              title: m.title,
              counts: m.counts,
              now: formatFigure(now?.value ?? null, m.unit),
              over: now?.over ?? 0,
              before: formatFigure(previous?.value ?? null, m.unit),
              lastYear: formatFigure(lastYear?.value ?? null, m.unit),
              change: changeOf(now?.value ?? null, previous?.value ?? null, m.unit, m.higherIsBetter),
            }
          }),
        })),
      })
    },
  })
}
