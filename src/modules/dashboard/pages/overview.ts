import type { FastifyInstance } from 'fastify'
import { ValidationError } from '../../../platform/http/errors.ts'
import { page, view } from '../../../platform/http/page.ts'
import { dashboardAccess } from '../access.ts'
import { changeOf, formatFigure } from '../figures.ts'
import { lastCompleteMonth, monthLabel, monthsEnding, plusMonths } from '../months.ts'
import { figureOf } from '../service/values.ts'
import { dashboardQueryOf } from './query.ts'
import { areaOf, byModule, type DashboardPageDeps, dashboardPath } from './shared.ts'

/** How many months back the month chooser offers (the issue's 24 months of trends). */
const monthsOffered = 24

/**
 * The force view (or one BCU's): every module's measures for a month beside the month before, each saying
 * whether it got better, grouped by module; each links to its trend and the BCUs side by side.
 */
export function overviewPage(app: FastifyInstance, deps: DashboardPageDeps) {
  page(app, dashboardPath, {
    access: dashboardAccess.read,
    get: async ({ query }) => {
      const asked = dashboardQueryOf(query)
      const latest = lastCompleteMonth(deps.clock.now())
      const month = asked.month ?? latest
      if (month > plusMonths(latest, 1))
        throw new ValidationError([{ field: 'month', reason: 'must not be after this month' }])
      const area = await areaOf(deps, asked.bcu)
      if (!area) throw new ValidationError([{ field: 'bcu', reason: 'is not a BCU of this force' }])
      const before = plusMonths(month, -1)
      const measures = deps.dashboard.measures()
      const found = await deps.dashboard.figures({
        measures,
        bcuIds: [area.bcu?.id ?? null],
        months: [before, month],
      })
      const computed = [...found.values()].map((f) => f.computedAt.getTime())
      const link = (id: string) =>
        `${dashboardPath}/measure?id=${encodeURIComponent(id)}&month=${month}${area.bcu ? `&bcu=${area.bcu.id}` : ''}`
      return view('dashboard/views/overview.njk', {
        pageTitle: `Performance: ${area.name}, ${monthLabel(month)}`,
        monthLabel: monthLabel(month),
        beforeLabel: monthLabel(before),
        groups: byModule(measures).map((g) => ({
          ...g,
          rows: g.items.map((m) => {
            const now = figureOf(found, m.id, area.bcu?.id ?? null, month)
            const then = figureOf(found, m.id, area.bcu?.id ?? null, before)
            return {
              id: m.id,
              title: m.title,
              href: link(m.id),
              now: formatFigure(now?.value ?? null, m.unit),
              over: now?.over ?? 0,
              before: formatFigure(then?.value ?? null, m.unit),
              change: changeOf(now?.value ?? null, then?.value ?? null, m.unit, m.higherIsBetter),
            }
          }),
        })),
        monthItems: monthsEnding(plusMonths(latest, 1), monthsOffered + 1)
          .reverse()
          .map((m) => ({ value: m, text: monthLabel(m), selected: m === month })),
        areaItems: [
          { value: '', text: deps.config.forceName, selected: !area.bcu },
          ...area.bcus.map((b) => ({ value: b.id, text: b.name, selected: b.id === area.bcu?.id })),
        ],
        maxAgeMinutes: deps.dashboard.figureMaxAgeMinutes,
        computedFrom: computed.length ? new Date(Math.min(...computed)) : null,
        computedTo: computed.length ? new Date(Math.max(...computed)) : null,
      })
    },
  })
}
