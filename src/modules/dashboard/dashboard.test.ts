import { readSheet } from 'read-excel-file/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SignedInUser, signIn, type TestKestrel, testKestrel } from '../../../test/app.ts'
import { requestsTo } from '../../../test/requests.ts'
import { modules } from '../../modules.ts'
import { fixedClock } from '../../platform/clock.ts'
import { csvOf } from '../../platform/csv.ts'
import type { Measure, MeasureScope } from '../../platform/measures.ts'
import { defineModule } from '../../platform/module.ts'
import { seedLondon } from '../organisation/london-seed.ts'

// The dashboard through a measure of its own: each take is recorded, so the test knows what was computed
// and when, and its value is chosen per area (its boroughs) and month, so the pages' figures are known by hand.
// The London seed's structure on the test's day (15 October 2018): the two pathfinder BCUs hold their
// boroughs since 2017, the other ten none until February 2019, their boroughs commanded on their own.
const takes: MeasureScope[] = []
const valueFor = new Map<string, number>()
const fixtureMeasure: Measure = {
  id: 'fixture.share-done',
  title: 'Share of fixture records done right',
  counts: 'Of the fixture records of the month, the share done right',
  unit: 'share',
  higherIsBetter: true,
  dimensions: ['area'],
  source: 'A test fixture',
  async take(_q, scope) {
    takes.push(scope)
    const month = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Europe/London',
      year: 'numeric',
      month: '2-digit',
    })
      .format(scope.from)
      .slice(0, 7)
    const value = valueFor.get(`${areaOfScope(scope.boroughIds)}|${month}`)
    return value === undefined ? { value: null, over: 0 } : { value, over: 40 }
  },
}
/** The fixture's name for an area: 'force', or its boroughs' ids in order. */
const areaOfScope = (boroughIds: readonly string[] | null) =>
  boroughIds === null ? 'force' : [...boroughIds].sort().join(',')
const fixtureModule = defineModule({ name: 'fixture', measures: [fixtureMeasure] })

const clock = fixedClock('2018-10-15T10:00:00Z')
let kestrel: TestKestrel
let lead: SignedInUser
let officer: SignedInUser
/** The BCUs as they stand on the test's day, those holding boroughs first. */
let bcus: { id: string; name: string; boroughs: { id: string; name: string }[] }[]
let teamId: string
let structure: Awaited<ReturnType<TestKestrel['services']['organisation']['areasAt']>>
const boroughsOf = (bcu: (typeof bcus)[number] | undefined) =>
  areaOfScope(bcu?.boroughs.map((b) => b.id) ?? [])
const { get } = requestsTo(() => kestrel.app)

beforeAll(async () => {
  // Every module, the fixture's measure before the dashboard that reads the registry.
  const dashboard = modules.at(-1)
  kestrel = await testKestrel({
    clock,
    modules: [...modules.slice(0, -1), fixtureModule, ...(dashboard ? [dashboard] : [])],
  })
  await seedLondon(kestrel.services.db)
  const { organisation } = kestrel.services
  structure = await organisation.areasAt((await organisation.force()).id, clock.now())
  bcus = [...structure.bcus].sort((a, b) => b.boroughs.length - a.boroughs.length)
  const team = await organisation.teams((await organisation.force()).id)
  if (!team[0]) {
    await kestrel.services.db
      .insertInto('team')
      .values({ force_id: (await organisation.force()).id, name: 'Fixture CAIT', kind: 'cait' })
      .execute()
  }
  teamId = (await organisation.teams((await organisation.force()).id))[0]?.id as string
  lead = await signIn(kestrel, ['force_lead'])
  officer = await signIn(kestrel, ['officer'])
  valueFor.set('force|2018-09', 0.83)
  valueFor.set('force|2018-08', 0.8)
  valueFor.set(`${boroughsOf(bcus[0])}|2018-09`, 0.5)
  valueFor.set(`${boroughsOf(bcus[1])}|2018-09`, 0.9)
}, 60_000)
afterAll(() => kestrel?.close())

const row = (body: string, id: string) =>
  body
    .match(new RegExp(`<tr class="govuk-table__row" data-measure="${id}">([\\s\\S]*?)</tr>`))?.[1]
    ?.replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()

describe('the force view', () => {
  it('shows last month beside the month before, says it got better, and when it was computed', async () => {
    const page = await get(lead, '/dashboard')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Performance: Metropolitan Police Service, September 2018')
    expect(row(page.body, 'fixture.share-done')).toBe(
      'Share of fixture records done right 83% 80% Up 3 points (better) 40',
    )
    // 10:00 UTC is 11:00 in London in October (British Summer Time).
    expect(page.body).toContain(
      'Figures computed at 15 Oct 2018, 11:00; a figure is taken again when it is more than 60 minutes old.',
    )
    // Every registered module's measures are on it, without dashboard code naming them.
    for (const m of kestrel.services.measures.all()) expect(page.body).toContain(`data-measure="${m.id}"`)
  })

  it('reads stored figures until they are older than the configured age, then takes them again', async () => {
    const before = takes.length
    await get(lead, '/dashboard')
    expect(takes.length).toBe(before)
    clock.advance(61 * 60_000)
    await get(lead, '/dashboard')
    expect(takes.length).toBe(before + 2)
  })

  it('shows one BCU, and refuses a month, an area or a measure that is not one, naming it', async () => {
    const one = await get(lead, `/dashboard?bcu=${bcus[1]?.id}&month=2018-09`)
    expect(one.statusCode).toBe(200)
    expect(one.body).toContain(`Performance: ${bcus[1]?.name}, September 2018`)
    // The chooser keeps the BCU chosen; with no finding anywhere, it says the BCU has no records.
    expect(one.body).toContain(
      `<option value="bcu:${bcus[1]?.id}" selected>${bcus[1]?.name} (no records)</option>`,
    )
    expect(row(one.body, 'fixture.share-done')).toBe(
      'Share of fixture records done right 90% No data Not comparable 40',
    )
    for (const [url, field] of [
      ['/dashboard?month=2018-13', 'month'],
      ['/dashboard?month=2030-01', 'month'],
      ['/dashboard?bcu=CN', 'bcu'],
      ['/dashboard?bcu=00000000-0000-4000-8000-000000000000', 'bcu'],
      ['/dashboard/measure?id=nothing.here', 'id'],
      ['/dashboard/measure', 'id'],
      [`/dashboard?bcu=${bcus[0]?.id}&borough=${bcus[0]?.boroughs[0]?.id}`, 'borough'],
      ['/dashboard?borough=00000000-0000-4000-8000-000000000000', 'borough'],
      ['/dashboard?team=00000000-0000-4000-8000-000000000000', 'team'],
      ['/dashboard?on=2019-02-30', 'on'],
      ['/dashboard?area=ward:00000000-0000-4000-8000-000000000000', 'area'],
      ['/dashboard/measure?id=fixture.share-done&structure=ward', 'structure'],
      // The fixture's measure is not cut by team, so a team has no trend of it.
      [`/dashboard/measure?id=fixture.share-done&team=${teamId}`, 'id'],
    ] as const) {
      const res = await get(lead, url)
      expect(res.statusCode, url).toBe(400)
      expect(res.body, url).toContain(field)
    }
  })

  it('reports a BCU by the boroughs it held on the day asked, so 2017 by today’s BCUs and today by borough commands both work', async () => {
    const { organisation } = kestrel.services
    const later = structure.bcus.find((b) => b.boroughs.length === 0) as (typeof bcus)[number]
    // After February 2019 the BCU holds its boroughs: a report of March 2017 by that structure counts them.
    const after = await organisation.boroughIdsOfBcu(later.id, '2019-03-01')
    expect(after.length).toBeGreaterThan(0)
    valueFor.set(`${areaOfScope(after)}|2017-03`, 0.6)
    const byNew = await get(lead, `/dashboard?bcu=${later.id}&on=2019-03-01&month=2017-03`)
    expect(byNew.statusCode).toBe(200)
    expect(byNew.body).toContain(`Performance: ${later.name} (as on 1 March 2019), March 2017`)
    expect(row(byNew.body, 'fixture.share-done')).toContain('60%')
    // On the test's day it holds none, so it counts nothing.
    const today = await get(lead, `/dashboard?bcu=${later.id}&month=2017-03`)
    expect(row(today.body, 'fixture.share-done')).toContain('No data')
    expect(takes.at(-1)?.boroughIds).toEqual([])
    // One of its boroughs alone, as the borough command reported.
    const borough = after[0] as string
    valueFor.set(`${borough}|2018-07`, 0.7)
    const alone = await get(lead, `/dashboard?area=borough:${borough}&month=2018-07`)
    expect(alone.statusCode).toBe(200)
    expect(row(alone.body, 'fixture.share-done')).toContain('70%')
    // Compared as boroughs, every borough of the force stands side by side (a row each, and the header's).
    const measure = await get(
      lead,
      '/dashboard/measure?id=fixture.share-done&month=2018-09&structure=borough',
    )
    const comparison =
      measure.body.match(/<table class="govuk-table" id="comparison">([\s\S]*?)<\/table>/)?.[1] ?? ''
    expect(comparison.match(/<tr class="govuk-table__row">/g)).toHaveLength(
      (await organisation.boroughs((await organisation.force()).id)).length + 1,
    )
  })

  it('marks each BCU’s go-live on the trend, in its words and its table', async () => {
    const page = await get(lead, '/dashboard/measure?id=fixture.share-done&month=2018-09')
    // The pathfinders went live in January 2017, within the 24 months to September 2018.
    const pathfinders = bcus.filter((b) => b.boroughs.length > 0).map((b) => `${b.name} went live`)
    expect(pathfinders).toHaveLength(2)
    for (const words of pathfinders) expect(page.body).toContain(words)
    expect(page.body).toContain('class="kestrel-chart__marker"')
    const trend = page.body.match(/<table class="govuk-table" id="trend">([\s\S]*?)<\/table>/)?.[1] ?? ''
    const january = trend.match(/January 2017<\/th>([\s\S]*?)<\/tr>/)?.[1] ?? ''
    for (const words of pathfinders) expect(january).toContain(words)
  })

  it('shows a team the measures that can be counted by team', async () => {
    const page = await get(lead, `/dashboard?team=${teamId}&month=2018-09`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('data-measure="standards.findings-opened"')
    expect(page.body).not.toContain('data-measure="fixture.share-done"')
  })

  it('is for leaders and supervisors, not every officer', async () => {
    expect((await get(officer, '/dashboard')).statusCode).toBe(403)
    expect((await get(officer, '/dashboard/measure?id=fixture.share-done')).statusCode).toBe(403)
  })
})

describe('the figures as CSV', () => {
  it('downloads the view’s figures with its filters, and logs the export', async () => {
    const res = await get(lead, `/dashboard/figures.csv?month=2018-09&bcu=${bcus[1]?.id}`)
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8')
    expect(res.headers['content-disposition']).toBe('attachment; filename="kestrel-performance-2018-09.csv"')
    const lines = res.body.split('\r\n')
    expect(lines[0]).toBe(
      'area,measure,title,unit,month,value,records,previous month,previous value,previous records,computed at',
    )
    const line = lines.find((l) => l.includes(',fixture.share-done,'))
    expect(line?.split(',').slice(0, 10)).toEqual([
      bcus[1]?.name,
      'fixture.share-done',
      'Share of fixture records done right',
      'share',
      '2018-09',
      '0.9',
      '40',
      '2018-08',
      '',
      '0',
    ])
    expect(lines).toHaveLength(kestrel.services.measures.all().length + 2)
    const logged = await kestrel.services.db
      .selectFrom('access_log')
      .select(['action', 'subject_kind', 'subject_id', 'actor_id'])
      .where('subject_kind', '=', 'dashboard-figures')
      .execute()
    expect(logged).toEqual([
      { action: 'export', subject_kind: 'dashboard-figures', subject_id: bcus[1]?.id, actor_id: lead.userId },
    ])
  })

  it('downloads the same rows as an XLSX workbook a reader opens', async () => {
    const url = `month=2018-09&bcu=${bcus[1]?.id}`
    const csv = await get(lead, `/dashboard/figures.csv?${url}`)
    const xlsx = await kestrel.app.inject({
      method: 'GET',
      url: `/dashboard/figures.xlsx?${url}`,
      headers: { cookie: lead.cookie },
    })
    expect(xlsx.statusCode).toBe(200)
    expect(xlsx.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    )
    const sheet = await readSheet(xlsx.rawPayload)
    // The workbook's rows written out as the CSV writes them are the CSV, byte for byte.
    expect(csvOf(sheet[0] ?? [], sheet.slice(1))).toBe(csv.body)
    expect(sheet.find((r) => r[1] === 'fixture.share-done')?.[5]).toBe(0.9)
  })

  it('refuses bad filters as the page does, and officers', async () => {
    expect((await get(lead, '/dashboard/figures.csv?month=2018-13')).statusCode).toBe(400)
    expect((await get(officer, '/dashboard/figures.csv')).statusCode).toBe(403)
  })

  it('keeps a cell that a spreadsheet would run as a formula as text', async () => {
    const { csvCell } = await import('../../platform/csv.ts')
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`)
    expect(csvCell('a,b')).toBe('"a,b"')
    expect(csvCell(-0.5)).toBe('-0.5')
    expect(csvCell(null)).toBe('')
  })
})

describe('the monthly report', () => {
  it('shows every measure for the month, the month before and a year earlier, a section a part of the service', async () => {
    valueFor.set(`${boroughsOf(bcus[1])}|2017-09`, 0.4)
    const page = await get(lead, `/dashboard/report?bcu=${bcus[1]?.id}&month=2018-09`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain(`Monthly performance report: ${bcus[1]?.name}, September 2018`)
    const sections = page.body.match(/<section class="kestrel-report-section"/g) ?? []
    const modulesWithMeasures = new Set(kestrel.services.measures.all().map((m) => m.id.split('.')[0]))
    expect(sections).toHaveLength(modulesWithMeasures.size)
    const fixture = page.body.match(/Share of fixture records done right[\s\S]*?<\/tr>/)?.[0] ?? ''
    const cells = [...fixture.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1])
    expect(cells).toEqual(['90%', 'No data', '40%', 'Not comparable', '40'])
    expect((await get(lead, '/dashboard/report?month=2018-13')).statusCode).toBe(400)
    expect((await get(officer, '/dashboard/report')).statusCode).toBe(403)
  })
})

describe('one measure', () => {
  it('shows 24 months for the area and every BCU side by side, best first', async () => {
    const page = await get(lead, '/dashboard/measure?id=fixture.share-done&month=2018-09')
    expect(page.statusCode).toBe(200)
    const trend = page.body.match(/<table class="govuk-table" id="trend">([\s\S]*?)<\/table>/)?.[1] ?? ''
    expect(trend.match(/<tr class="govuk-table__row">/g)).toHaveLength(25)
    expect(trend).toContain('September 2018')
    expect(trend).toContain('October 2016')
    const comparison =
      page.body.match(/<table class="govuk-table" id="comparison">([\s\S]*?)<\/table>/)?.[1] ?? ''
    const names = [...comparison.matchAll(/<a class="govuk-link" href="[^"]*"[^>]*>([^<]+)<\/a>/g)].map(
      (m) => m[1],
    )
    expect(names.slice(0, 2)).toEqual([bcus[1]?.name, bcus[0]?.name])
    // Every BCU and every borough still commanded on its own, side by side.
    expect(names).toHaveLength(structure.bcus.length + structure.boroughCommands.length)
  })
})

describe('the hourly job', () => {
  it('takes every measure for the force and each BCU, the two months the force view opens on and this one', async () => {
    clock.advance(2 * 60 * 60_000)
    const before = takes.length
    await kestrel.services.dashboard.refresh()
    // BCUs holding the same boroughs (the ten holding none yet) share their figures: taken once.
    const areas = new Set(['force', ...bcus.map(boroughsOf)]).size
    expect(takes.length - before).toBe(areas * 3)
    // Within the hour nothing is taken again.
    await kestrel.services.dashboard.refresh()
    expect(takes.length - before).toBe(areas * 3)
  })
})
