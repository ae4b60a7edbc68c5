import type { FastifyInstance } from 'fastify'
import writeExcelFile from 'write-excel-file/node'
import { csvOf } from '../../../platform/csv.ts'
import { ValidationError } from '../../../platform/http/errors.ts'
import { page, view } from '../../../platform/http/page.ts'
import { dashboardAccess } from '../access.ts'
import { changeOf, formatFigure } from '../figures.ts'
import { lastCompleteMonth, monthLabel, monthsEnding, plusMonths } from '../months.ts'
import { figureOf } from '../service/values.ts'
import { dashboardQueryOf, filtersOf } from './query.ts'
import {
  areaChoices,
  areaOf,
  byModule,
  type DashboardPageDeps,
  dashboardPath,
  measuresFor,
} from './shared.ts'

/** How many months back the month chooser offers (the 24 months of trends). */
const monthsOffered = 24

/** What the force view (or one BCU's) shows for the query: its area, month, the month before and the figures. */
export async function overviewOf(deps: DashboardPageDeps, query: unknown) {
  const asked = dashboardQueryOf(query)
  const latest = lastCompleteMonth(deps.clock.now())
  const month = asked.month ?? latest
  if (month > plusMonths(latest, 1))
    throw new ValidationError([{ field: 'month', reason: 'must not be after this month' }])
  const areas = await areaOf(deps, asked)
  const { area } = areas
  const before = plusMonths(month, -1)
  const measures = measuresFor(area, deps.dashboard.measures())
  const found = await deps.dashboard.figures({ measures, areas: [area], months: [before, month] })
  const rows = measures.map((m) => ({
    measure: m,
    now: figureOf(found, m.id, area, month),
    previous: figureOf(found, m.id, area, before),
  }))
  return { asked: { ...asked, month }, latest, month, before, areas, area, rows }
}

/** The view's figures as a table to download: one row a measure, raw values (a share as 0.83), no formatting. */
function figuresTable({ month, before, area, rows }: Awaited<ReturnType<typeof overviewOf>>) {
  return {
    header: [
      'area',
      'measure',
      'title',
      'unit',
      'month',
      'value',
      'records',
      'previous month',
      'previous value',
      'previous records',
      'computed at',
    ],
    rows: rows.map(({ measure, now, previous }) => [
      area.name,
      measure.id,
      measure.title,
      measure.unit,
      month,
      now?.value ?? null,
      now?.over ?? 0,
      before,
      previous?.value ?? null,
      previous?.over ?? 0,
      // An instant as ISO text (UTC), in both formats: a spreadsheet date has no time zone.
      now?.computedAt.toISOString() ?? null,
    ]),
  }
}

/**
 * The force view (or one BCU's): every module's measures for a month beside the month before, each saying
 * whether it got better, grouped by module; each links to its trend and the BCUs side by side. The same
 * figures download as CSV with the filters applied (`/dashboard/figures.csv`), the download access-logged.
 */
export function overviewPage(app: FastifyInstance, deps: DashboardPageDeps) {
  page(app, dashboardPath, {
    access: dashboardAccess.read,
    get: async ({ query }) => {
      const { asked, latest, month, before, areas, area, rows } = await overviewOf(deps, query)
      const computed = rows
        .flatMap((r) => [r.now, r.previous])
        .flatMap((f) => (f ? [f.computedAt.getTime()] : []))
      const filters = filtersOf(asked)
      const teams = await deps.organisation.teams((await deps.organisation.force()).id, { activeOnly: true })
      const byId = new Map(rows.map((r) => [r.measure.id, r]))
      return view('dashboard/views/overview.njk', {
        pageTitle: `Performance: ${area.name}, ${monthLabel(month)}`,
        monthLabel: monthLabel(month),
        beforeLabel: monthLabel(before),
        csvHref: `${dashboardPath}/figures.csv?${filters}`,
        xlsxHref: `${dashboardPath}/figures.xlsx?${filters}`,
        reportHref: `${dashboardPath}/report?${filters}`,
        groups: byModule(rows.map((r) => r.measure)).map((g) => ({
          ...g,
          rows: g.items.map((m) => {
            const { now, previous } = byId.get(m.id) ?? {}
            return {
              id: m.id,
              title: m.title,
              href: `${dashboardPath}/measure?id=${encodeURIComponent(m.id)}&${filters}`,
              now: formatFigure(now?.value ?? null, m.unit),
              over: now?.over ?? 0,
              before: formatFigure(previous?.value ?? null, m.unit),
              change: changeOf(now?.value ?? null, previous?.value ?? null, m.unit, m.higherIsBetter),
            }
          }),
        })),
        monthItems: monthsEnding(plusMonths(latest, 1), monthsOffered + 1)
          .reverse()
          .map((m) => ({ value: m, text: monthLabel(m), selected: m === month })),
        areaGroups: areaChoices(areas, teams, await deps.dashboard.boroughsWithRecords()),
        on: areas.on === areas.today ? '' : areas.on,
        teamView: area.kind === 'team',
        maxAgeMinutes: deps.dashboard.figureMaxAgeMinutes,
        computedFrom: computed.length ? new Date(Math.min(...computed)) : null,
        computedTo: computed.length ? new Date(Math.max(...computed)) : null,
      })
    },
  })

  // The view's figures to download, with its filters: the same rows as CSV and as an XLSX workbook.
  for (const format of ['csv', 'xlsx'] as const)
    app.get(
      `${dashboardPath}/figures.${format}`,
      { config: { access: dashboardAccess.read } },
      async (request, reply) => {
        const overview = await overviewOf(deps, request.query)
        const { header, rows } = figuresTable(overview)
        const principal = request.principal as NonNullable<typeof request.principal>
        await deps.accessLog.record({
          actorId: principal.id,
          actorName: principal.username,
          action: 'export',
          subjectKind: 'dashboard-figures',
          subjectId: overview.area.id ?? 'force',
          requestId: request.id,
          detail: {
            query: `GET ${request.url}`,
            format,
            month: overview.month,
            area: overview.area.kind,
            areaId: overview.area.id,
            on: overview.areas.on,
            rows: rows.length,
          },
        })
        reply.header(
          'content-disposition',
          `attachment; filename="kestrel-performance-${overview.month}.${format}"`,
        )
        if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(csvOf(header, rows))
        return reply
          .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
          .send(await writeExcelFile([header, ...rows]).toBuffer())
      },
    )
}
