import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestKestrel, testKestrel } from '../../../test/app.ts'
import type { Measure } from '../../platform/measures.ts'
import { moduleJobs } from '../../platform/module.ts'
import { seededRandom } from '../../platform/seed/random.ts'
import { runSeed } from '../../platform/seed/seeder.ts'
import { londonBcus } from '../organisation/london.ts'
import { seedLondon } from '../organisation/london-seed.ts'
import { organisationSeed } from '../organisation/seed.ts'
import { activeRsosAtScale1, offendersSeed } from './seed.ts'

type Line = Record<string, unknown> & { kind: string; ref: string }
const until = new Date('2018-09-01T00:00:00Z')
const from = new Date(until.getTime() - 365 * 86_400_000)

/** The organisation's and the offenders generator's lines at a scale, made in memory as runSeed makes them. */
function generate(scale: number, seed = 2018) {
  const root = seededRandom(seed)
  const shared = new Map<string, unknown>()
  const context = (name: string) => ({ scale, random: root.fork(name), until, from, shared })
  const organisation = [...organisationSeed.generate(context('organisation'))] as Line[]
  const offenders = [...offendersSeed.generate(context('offenders'))] as Line[]
  return { organisation, offenders }
}

const count = <T>(items: readonly T[], key: (item: T) => string) => {
  const out = new Map<string, number>()
  for (const item of items) out.set(key(item), (out.get(key(item)) ?? 0) + 1)
  return out
}
const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0

describe('offenders demo data at scale 1, as generated (not imported)', () => {
  const { organisation, offenders } = generate(1)
  const rsos = offenders.filter((l) => l.kind === 'rso')
  const active = rsos.filter((r) => r.status === 'active')
  const activeRefs = new Set(active.map((r) => r.ref))
  const staffTeam = new Map(
    [...organisation, ...offenders].filter((l) => l.kind === 'staff').map((l) => [l.ref, l.team as string]),
  )
  const caseloads = count(
    offenders.filter((l) => l.kind === 'rso-allocation' && activeRefs.has(l.rso as string)),
    (l) => l.manager as string,
  )

  it('has the report’s 6,199 active RSOs spread over the 32 boroughs, and others in custody, abroad or ended', () => {
    expect(active).toHaveLength(activeRsosAtScale1)
    const byBorough = count(active, (r) => r.borough as string)
    expect(byBorough.size).toBe(32)
    expect(new Set(byBorough.keys())).toEqual(new Set(londonBcus.flatMap((b) => b.boroughs)))
    for (const n of byBorough.values()) {
      expect(n).toBeGreaterThan(90)
      expect(n).toBeLessThan(400)
    }
    const statuses = count(rsos, (r) => r.status as string)
    expect(statuses.get('in_custody')).toBeGreaterThan(0)
    expect(statuses.get('ended')).toBeGreaterThan(0)
    // Each RSO is a person in the person index, an adult.
    const people = new Map(offenders.filter((l) => l.kind === 'person').map((p) => [p.ref, p]))
    for (const r of rsos) {
      const born = (people.get(r.person as string) as Line).dateOfBirth as string
      expect(born < `${until.getUTCFullYear() - 18}-01-01`).toBe(true)
    }
  })

  it('gives managers about 50 to more than 100 RSOs each, more than 100 in five areas', () => {
    const loads = [...caseloads.values()]
    expect(Math.min(...loads)).toBeGreaterThanOrEqual(40)
    expect(Math.max(...loads)).toBeGreaterThan(100)
    expect(loads.reduce((a, b) => a + b, 0)).toBe(activeRsosAtScale1)
    // Every manager is in a Jigsaw team; each BCU's team holds its own RSOs.
    const jigsaw = new Set(
      organisation.filter((l) => l.kind === 'team' && l.teamKind === 'jigsaw').map((t) => t.ref),
    )
    const byTeam = new Map<string, number[]>()
    for (const [manager, n] of caseloads) {
      const team = staffTeam.get(manager) as string
      expect(jigsaw.has(team)).toBe(true)
      byTeam.set(team, [...(byTeam.get(team) ?? []), n])
    }
    expect(byTeam.size).toBe(12)
    const medians = [...byTeam.values()].map(median)
    expect(medians.filter((m) => m > 100)).toHaveLength(5)
    for (const m of medians.filter((m) => m <= 100)) {
      expect(m).toBeGreaterThanOrEqual(45)
      expect(m).toBeLessThanOrEqual(80)
    }
  })

  it('gives each borough with RSOs two wards with a neighbourhood team each, and most RSOs their ward', () => {
    const wards = new Map(offenders.filter((l) => l.kind === 'ward').map((w) => [w.ref, w.borough as string]))
    expect(wards.size).toBe(64)
    const teams = offenders.filter((l) => l.kind === 'team')
    expect(teams.map((t) => t.teamKind)).toEqual(new Array(64).fill('neighbourhood'))
    for (const t of teams) expect(wards.get(t.ward as string)).toBe(t.borough)
    const officers = count(
      offenders.filter((l) => l.kind === 'staff' && l.role === 'Neighbourhood officer'),
      (l) => l.team as string,
    )
    expect([...officers.values()]).toEqual(new Array(64).fill(3))
    const withWard = rsos.filter((r) => r.ward)
    for (const r of withWard) expect(wards.get(r.ward as string)).toBe(r.borough)
    expect(withWard.length / rsos.length).toBeGreaterThan(0.65)
    expect(withWard.length / rsos.length).toBeLessThan(0.75)
  })

  it('writes each line after every line it points at, so any batch boundary is safe', () => {
    const seen = new Set<string>(organisation.map((l) => `${l.kind}:${l.ref}`))
    for (const line of offenders) {
      const wanted = [
        ...(line.kind === 'rso' ? [`person:${line.person}`] : []),
        ...(line.kind.startsWith('rso-') ? [`rso:${line.rso}`] : []),
        ...(line.kind === 'rso-plan' && line.arms ? [`rso-arms:${line.arms}`] : []),
        ...(line.kind === 'rso-allocation' || (line.kind === 'rso' && line.manager)
          ? [`staff:${line.manager}`]
          : []),
        ...(line.kind === 'staff' ? [`team:${line.team}`] : []),
        ...(line.kind === 'team' || (line.kind === 'rso' && line.ward) ? [`ward:${line.ward}`] : []),
      ]
      for (const w of wanted) expect(seen.has(w), `${line.kind} ${line.ref} needs ${w} first`).toBe(true)
      seen.add(`${line.kind}:${line.ref}`)
    }
  })

  it('has a year of visits and notifications, and a minority with access to children', () => {
    const inYear = (at: unknown) => {
      const t = Date.parse(at as string)
      return t >= from.getTime() && t < until.getTime()
    }
    const visits = offenders.filter((l) => l.kind === 'rso-visit' && l.visitedAt)
    const notifications = offenders.filter((l) => l.kind === 'rso-notification')
    for (const l of [...visits, ...notifications])
      expect(Date.parse((l.visitedAt ?? l.notifiedAt) as string)).toBeLessThan(until.getTime())
    const months = (lines: Line[], field: string) =>
      new Set(lines.filter((l) => inYear(l[field])).map((l) => (l[field] as string).slice(0, 7))).size
    expect(months(visits, 'visitedAt')).toBe(12)
    expect(months(notifications, 'notifiedAt')).toBe(12)
    // Most RSOs notify yearly: a periodic or initial notification in the year for nearly all.
    const notified = new Set(
      notifications
        .filter((n) => inYear(n.notifiedAt) && ['periodic', 'initial'].includes(n.notificationKind as string))
        .map((n) => n.rso),
    )
    expect(notified.size / active.length).toBeGreaterThan(0.9)
    const withChildren = new Set([
      ...notifications.filter((n) => n.notificationKind === 'household_with_child').map((n) => n.rso),
      ...visits.filter((v) => v.childrenPresent).map((v) => v.rso),
    ])
    expect(withChildren.size / active.length).toBeGreaterThan(0.03)
    expect(withChildren.size / active.length).toBeLessThan(0.12)
  })

  it('is the same for the same seed', () => {
    const again = generate(0.1)
    expect(JSON.stringify(again.offenders)).toBe(JSON.stringify(generate(0.1).offenders))
    expect(JSON.stringify(generate(0.1, 7).offenders)).not.toBe(JSON.stringify(again.offenders))
  })
})

describe('offenders demo data at a small scale, through the import', () => {
  let kestrel: TestKestrel
  const scale = 0.05
  const lines = generate(scale).offenders

  beforeAll(async () => {
    kestrel = await testKestrel()
    await seedLondon(kestrel.services.db)
    await runSeed(kestrel.services.imports, [organisationSeed, offendersSeed], { scale, seed: 2018, until })
  }, 300_000)
  afterAll(async () => {
    await kestrel?.close()
  })

  it('imports every RSO and record, each active RSO in their borough and with their manager', async () => {
    const { db } = kestrel.services
    const rows = await db
      .selectFrom('rso')
      .innerJoin('borough', 'borough.id', 'rso.borough_id')
      .leftJoin('staff', 'staff.id', 'rso.manager_staff_id')
      .select(['rso.ref', 'rso.status', 'borough.name as borough', 'staff.staff_number as manager'])
      .execute()
    const rsoLines = lines.filter((l) => l.kind === 'rso')
    expect(rows).toHaveLength(rsoLines.length)
    const active = rows.filter((r) => r.status === 'active')
    expect(active).toHaveLength(Math.round(activeRsosAtScale1 * scale))
    const expected = count(
      rsoLines.filter((l) => l.status === 'active'),
      (l) => l.borough as string,
    )
    expect(count(active, (r) => r.borough)).toEqual(expected)
    const allocated = new Map(lines.filter((l) => l.kind === 'rso-allocation').map((l) => [l.rso, l.manager]))
    for (const r of active) expect(r.manager).toBe(allocated.get(r.ref))
    for (const [table, kind] of [
      ['rso_arms', 'rso-arms'],
      ['rso_plan', 'rso-plan'],
      ['rso_visit', 'rso-visit'],
      ['rso_notification', 'rso-notification'],
    ] as const) {
      const { n } = await db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
      expect(Number(n)).toBe(lines.filter((l) => l.kind === kind).length)
    }
  })

  it('briefs each borough’s neighbourhood teams, with a receipt for every officer', async () => {
    const { db } = kestrel.services
    // The demo runs the scheduled work once after seeding, as here.
    for (const job of moduleJobs(kestrel.services)) await job.run()
    const { rows } = await sql<{ wards: number; ward_rsos: number; officers: number; unsent: number }>`
      select (select count(*) from ward)::int as wards,
        (select count(*) from rso where ward_id is not null)::int as ward_rsos,
        (select count(*) from staff s join team t on t.id = s.team_id where t.kind = 'neighbourhood')::int as officers,
        (select count(*) from rso_briefing b where not exists (select 1 from rso_briefing_receipt r
          where r.briefing_id = b.id))::int as unsent`.execute(db)
    expect(rows[0]?.wards).toBeGreaterThan(0)
    expect(rows[0]?.ward_rsos).toBe(lines.filter((l) => l.kind === 'rso' && l.ward).length)
    expect(rows[0]?.officers).toBe((rows[0]?.wards ?? 0) * 3)
    // Every borough's and ward's briefing went to its neighbourhood officers.
    expect(rows[0]?.unsent).toBe(0)
  })

  it('shows ARMS, visits and plans at the rates the report implies, as the dashboard measures them', async () => {
    const { db, measures } = kestrel.services
    const take = (id: string) => (measures.get(id) as Measure).take(db, { from, until, boroughIds: null })
    const arms = await take('offenders.arms-in-date')
    const visits = await take('offenders.visits-on-time')
    const plans = await take('offenders.plans-current')
    const max = await take('offenders.max-caseload')
    console.log('offenders measures:', JSON.stringify({ arms, visits, plans, max }))
    expect(arms.value).toBeGreaterThan(0.7)
    expect(arms.value).toBeLessThan(0.95)
    // "many risk management plans that were out of date": a substantial minority.
    expect(plans.value).toBeGreaterThan(0.45)
    expect(plans.value).toBeLessThan(0.8)
    expect(visits.value).toBeGreaterThan(0.6)
    expect(visits.value).toBeLessThan(0.95)
    expect(max.value).toBeGreaterThan(50)
  })

  it('gives each RSO rule something to find at the end of the year', async () => {
    const { standards } = kestrel.services
    const open: Record<string, number> = {}
    for (const id of ['RSO-01', 'RSO-02', 'RSO-03', 'RSO-04', 'RSO-05', 'RSO-06', 'RSO-07']) {
      const { findings, results } = await standards.findingsAt(until, { ruleId: id })
      expect(results.filter((r) => !r.ok)).toEqual([])
      open[id] = findings.filter((f) => f.status === 'breached').length
    }
    console.log('breached at the end of the year:', JSON.stringify(open))
    for (const n of Object.values(open)) expect(n).toBeGreaterThan(0)
    // Every manager of a stretched area is over RSO-05's warning line, most over its breach line.
    expect(open['RSO-05']).toBeGreaterThanOrEqual(1)
  })
})
