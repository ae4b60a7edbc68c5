import type { FastifyInstance } from 'fastify'
import { ValidationError } from '../../../platform/http/errors.ts'
import { page, view } from '../../../platform/http/page.ts'
import { dashboardAccess } from '../access.ts'
import { comparisonChart, trendChart } from '../charts.ts'
import { formatFigure } from '../figures.ts'
import { lastCompleteMonth, monthLabel, monthsEnding, plusMonths } from '../months.ts'
import { figureOf } from '../service/values.ts'
import { dashboardQueryOf, filtersOf } from './query.ts'
import { drillsDown } from './records.ts'
import {
  areaOf,
  type DashboardPageDeps,
  dashboardPath,
  goLivesOf,
  goLiveText,
  measuresFor,
} from './shared.ts'

/** The trend shown for a measure: the report's 24 months. */
const trendMonths = 24

const unitWords = { share: 'a share of records', count: 'a count', hours: 'hours', days: 'days' } as const

/**
 * One measure: what it counts and where its standard comes from, its trend by month over 24 months for the
 * area with each BCU's go-live marked, and every BCU (or borough) side by side for the month, best first.
 */
export function measurePage(app: FastifyInstance, deps: DashboardPageDeps) {
  page(app, `${dashboardPath}/measure`, {
    access: dashboardAccess.read,
    get: async ({ query }) => {
      const asked = dashboardQueryOf(query)
      const measure = asked.id ? deps.dashboard.measure(asked.id) : undefined
      if (!measure) throw new ValidationError([{ field: 'id', reason: 'is not a measure Kestrel keeps' }])
      const latest = lastCompleteMonth(deps.clock.now())
      const month = asked.month ?? latest
      if (month > plusMonths(latest, 1))
        throw new ValidationError([{ field: 'month', reason: 'must not be after this month' }])
      const areas = await areaOf(deps, asked)
      const { area } = areas
      if (!measuresFor(area, [measure]).length)
        throw new ValidationError([{ field: 'id', reason: 'is not a measure that can be counted by team' }])
      const months = monthsEnding(month, trendMonths)
      const [trend, across, goLives] = await Promise.all([
        deps.dashboard.figures({ measures: [measure], areas: [area], months }),
        deps.dashboard.figures({ measures: [measure], areas: areas.compared, months: [month] }),
        goLivesOf(deps, areas),
      ])
      const kept = { ...asked, month }
      const comparedWords = asked.structure === 'borough' ? 'every borough' : 'every BCU'
      const figure = (value: number | null | undefined) => formatFigure(value ?? null, measure.unit)
      const comparison = areas.compared
        .map((b) => ({ bcu: b, found: figureOf(across, measure.id, b, month) }))
        .sort((a, b) => {
          const x = a.found?.value ?? null
          const y = b.found?.value ?? null
          if (x === null || y === null) return (x === null ? 1 : 0) - (y === null ? 1 : 0)
          return measure.higherIsBetter ? y - x : x - y
        })
      const trendPoints = months.map((m) => ({
        label: monthLabel(m),
        value: figureOf(trend, measure.id, area, m)?.value ?? null,
      }))
      // The BCUs that went live in these months, marked on the trend so a change after the restructure shows.
      const markers = months.flatMap((m) => {
        const names = goLives.filter((g) => g.day.slice(0, 7) === m).map((g) => g.name)
        return names.length ? [{ label: monthLabel(m), text: goLiveText(names) }] : []
      })
      const chartOptions = {
        share: measure.unit === 'share',
        format: (value: number) => formatFigure(value, measure.unit),
      }
      const direction = measure.higherIsBetter ? 'Higher is better.' : 'Lower is better.'
      return view('dashboard/views/measure.njk', {
        trendChart: trendChart(
          {
            id: 'trend-chart',
            title: `${measure.title}, ${area.name}, by month`,
            description: `A line chart of the 24 months to ${monthLabel(month)}. ${direction}${markers.map((k) => ` ${k.label}: ${k.text}.`).join('')} The figures are in the table below it.`,
          },
          trendPoints,
          { ...chartOptions, markers },
        ),
        comparisonChart: comparisonChart(
          {
            id: 'comparison-chart',
            title: `${measure.title}, ${comparedWords}, ${monthLabel(month)}`,
            description: `A bar chart of ${comparedWords}, best first. ${direction} The figures are in the table below it.`,
          },
          comparison.map(({ bcu, found }) => ({
            label: bcu.name,
            value: found?.value ?? null,
            highlighted: bcu.key === area.key,
          })),
          chartOptions,
        ),
        pageTitle: `${measure.title}: ${area.name}`,
        measure,
        unitWords: unitWords[measure.unit],
        areaName: area.name,
        monthLabel: monthLabel(month),
        back: `${dashboardPath}?${filtersOf(kept)}`,
        comparedWords,
        recordsHref: drillsDown(measure)
          ? `${dashboardPath}/records?${filtersOf(kept)}&id=${encodeURIComponent(measure.id)}`
          : null,
        recordsNoun: measure.recordsBehind?.noun ?? 'findings',
        goLives: markers,
        trend: months
          .slice()
          .reverse()
          .map((m) => {
            const f = figureOf(trend, measure.id, area, m)
            const marked = markers.find((k) => k.label === monthLabel(m))
            return {
              month: monthLabel(m),
              figure: figure(f?.value),
              over: f?.over ?? 0,
              marked: marked?.text,
            }
          }),
        comparison: comparison.map(({ bcu, found }) => ({
          name: bcu.name,
          href: `${dashboardPath}/measure?id=${encodeURIComponent(measure.id)}&${filtersOf({ ...kept, bcu: undefined, borough: undefined, team: undefined, [bcu.kind]: bcu.id as string })}`,
          figure: figure(found?.value),
          over: found?.over ?? 0,
          chosen: bcu.key === area.key,
        })),
      })
    },
  })
}
