import { sql } from 'kysely'
import type { Kestrel } from '../../src/kestrel.ts'
import { boroughsArea, forceArea } from '../../src/modules/dashboard/areas.ts'
import { lastCompleteMonth, monthsEnding } from '../../src/modules/dashboard/months.ts'
import { sessionFor } from './pages.ts'
import { median, percentile, round, timed } from './stats.ts'

export interface DashboardPageTiming {
  page: string
  url: string
  samples: number
  p50Ms: number
  p95Ms: number
}

export interface DashboardFigure {
  measures: number
  areas: number
  /** The hourly job's work: every measure for the force and each BCU, for three months. */
  refreshSeconds: number
  /** The force's trends besides: 24 months of every measure for the force, which its trend pages read. */
  trendFillSeconds: number
  trendFigures: number
  figuresStored: number
  /** The floor: `GET /health` through the same server, which reads nothing. */
  floor: DashboardPageTiming
  pages: DashboardPageTiming[]
}

async function timePage(
  kestrel: Kestrel,
  page: string,
  url: string,
  cookie: string,
  samples: number,
): Promise<DashboardPageTiming> {
  const get = () => kestrel.app.inject({ method: 'GET', url, headers: { cookie } })
  const first = await get()
  if (first.statusCode !== 200)
    throw new Error(`${url} answered ${first.statusCode}: ${first.body.slice(0, 300)}`)
  for (let i = 0; i < 5; i++) await get()
  const times: number[] = []
  for (let i = 0; i < samples; i++) {
    const [response, ms] = await timed(get)
    if (response.statusCode !== 200) throw new Error(`${url} answered ${response.statusCode}`)
    times.push(ms)
  }
  return { page, url, samples, p50Ms: round(median(times), 2), p95Ms: round(percentile(times, 95), 2) }
}

/**
 * The leaders' dashboard as a force lead opens it, once its figures are stored: first the work that stores
 * them (the hourly job, then 24 months of every measure for the force, which the force's trend pages read;
 * a BCU's trends take as long again for each BCU), timed; then each page through `app.inject` in the same process, warmed, `samples` times.
 */
export async function benchDashboard(kestrel: Kestrel, samples = 50): Promise<DashboardFigure> {
  const { dashboard, organisation, db, clock } = kestrel.services
  const measures = dashboard.measures()
  const structure = await organisation.areasAt((await organisation.force()).id, clock.now())
  const bcus = structure.bcus.map((b) =>
    boroughsArea(
      'bcu',
      b.id,
      b.name,
      b.boroughs.map((x) => x.id),
    ),
  )
  const month = lastCompleteMonth(clock.now())
  const [, refreshMs] = await timed(() => dashboard.refresh())
  const [, trendMs] = await timed(() =>
    dashboard.figures({ measures, areas: [forceArea('force')], months: monthsEnding(month, 24) }),
  )
  const { rows } = await sql<{ n: number }>`select cast(count(*) as integer) as n from measure_value`.execute(
    db,
  )
  const lead = await sessionFor(kestrel, ['force_lead'], null)
  const bcu = bcus[0]
  const measure = (id: string) => `/dashboard/measure?id=${encodeURIComponent(id)}&month=${month}`
  const urls: [string, string][] = [
    ['Force view', `/dashboard?month=${month}`],
    ['BCU view', `/dashboard?month=${month}${bcu ? `&area=bcu:${bcu.id}` : ''}`],
    ['Monthly report (BCU)', `/dashboard/report?month=${month}${bcu ? `&area=bcu:${bcu.id}` : ''}`],
    ['Measure: breached findings, 24-month trend', measure('standards.findings-breached')],
    ['Measure: children spoken to, 24-month trend', measure('investigations.children-spoken-to')],
    ['Measure compared by borough', `${measure('standards.findings-breached')}&structure=borough`],
  ]
  const pages: DashboardPageTiming[] = []
  for (const [page, url] of urls) pages.push(await timePage(kestrel, page, url, lead.cookie, samples))
  return {
    measures: measures.length,
    areas: bcus.length + 1,
    refreshSeconds: round(refreshMs / 1000, 1),
    trendFillSeconds: round(trendMs / 1000, 1),
    trendFigures: measures.length * 24,
    figuresStored: rows[0]?.n ?? 0,
    floor: await timePage(kestrel, 'Floor: GET /health', '/health', lead.cookie, samples),
    pages,
  }
}
