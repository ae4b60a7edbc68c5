import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestKestrel, testKestrel } from '../../../test/app.ts'
import { fixedClock } from '../../platform/clock.ts'
import { seededRandom } from '../../platform/seed/random.ts'
import { runSeed, type SeedGenerator } from '../../platform/seed/seeder.ts'
import { custodySeed } from '../custody/seed.ts'
import { organisationSeed, type SeededTeam, seededTeamsKey } from '../organisation/seed.ts'
import { referralsSeed } from '../referrals/seed.ts'
import { caseTypes } from './investigation.ts'
import { investigationsPerYearAtScale1, investigationsSeed } from './seed.ts'

const until = new Date('2018-09-01T00:00:00Z')
const scale = 0.05
/**
 * The organisation generator as it would be if it published each officer's training with the teams it
 * shares (its staff lines carry it): then cases not chosen to fail go to trained officers. Same name, so the
 * same random stream and the same lines.
 */
const organisationWithTraining: SeedGenerator = {
  name: organisationSeed.name,
  *generate(context) {
    const training = new Map<string, unknown>()
    for (const line of organisationSeed.generate(context)) {
      if (line.kind === 'staff') training.set(line.ref as string, line.training ?? [])
      yield line
    }
    for (const team of (context.shared.get(seededTeamsKey) as SeededTeam[] | undefined) ?? [])
      for (const s of team.staff) Object.assign(s, { training: training.get(s.ref) ?? [] })
  },
}
const generators: SeedGenerator[] = [organisationWithTraining, referralsSeed, custodySeed, investigationsSeed]

/** Every generator's lines in order, the way runSeed drives them, without a database. */
function lines(seed: number, upTo: SeedGenerator[]) {
  const root = seededRandom(seed)
  const from = new Date(until.getTime() - 365 * 86_400_000)
  const shared = new Map<string, unknown>()
  const out: Record<string, unknown>[] = []
  for (const g of upTo) {
    const generated = [...g.generate({ scale, random: root.fork(g.name), until, from, shared })]
    if (g === investigationsSeed) out.push(...generated)
  }
  return out
}

describe('investigations demo data (no database)', () => {
  it('gives the same lines for the same seed, and different ones for another', () => {
    const a = lines(7, generators)
    expect(JSON.stringify(lines(7, generators))).toBe(JSON.stringify(a))
    expect(JSON.stringify(lines(8, generators))).not.toBe(JSON.stringify(a))
    const cases = a.filter((l) => l.kind === 'investigation')
    expect(cases).toHaveLength(Math.round(investigationsPerYearAtScale1 * scale))
    expect(new Set(cases.map((c) => c.caseType))).toEqual(new Set(caseTypes))
    for (const kind of [
      'investigation-action',
      'supervisory-review',
      'strategy-discussion',
      'child-protection-conference',
      'police-protection',
    ])
      expect(a.some((l) => l.kind === kind)).toBe(true)
  })

  it('makes its own children when no earlier generator published any', () => {
    const own = lines(7, [organisationSeed, investigationsSeed])
    const people = own.filter((l) => l.kind === 'person')
    const cases = own.filter((l) => l.kind === 'investigation')
    expect(cases.length).toBeGreaterThan(0)
    const refs = new Set(people.map((p) => p.ref))
    for (const c of cases)
      for (const p of c.people as { person: string }[]) expect(refs.has(p.person)).toBe(true)
  })
})

describe('investigations demo data (database)', () => {
  let kestrel: TestKestrel
  beforeAll(async () => {
    // The clock stands at the end of the demo year, so the sweep sees the year as it ended.
    kestrel = await testKestrel({ clock: fixedClock(until) })
    await runSeed(kestrel.services.imports, generators, { scale, seed: 7, until })
    await kestrel.services.standards.sweep()
  }, 400_000)
  afterAll(async () => {
    await kestrel?.close()
  })

  it('imports every line, and about two thirds of open cases have an open failing at the end of the year', async () => {
    const db = kestrel.services.db
    const { rows: counts } = await sql<{ kind: string; n: number }>`
      select 'investigation' as kind, count(*)::int as n from investigation
      union all select 'action', count(*)::int from investigation_action
      union all select 'review', count(*)::int from supervisory_review
      union all select 'discussion', count(*)::int from strategy_discussion
      union all select 'conference', count(*)::int from child_protection_conference
      union all select 'protection', count(*)::int from police_protection`.execute(db)
    const count = Object.fromEntries(counts.map((r) => [r.kind, r.n]))
    expect(count.investigation).toBe(Math.round(investigationsPerYearAtScale1 * scale))
    for (const kind of ['action', 'review', 'discussion', 'conference', 'protection'])
      expect(count[kind]).toBeGreaterThan(0)

    // A finding still open: breached (or acknowledged). Every open case also has "due" findings for its next
    // review and its next activity, so those do not count as failings.
    const { rows } = await sql<{ open: boolean; failing: boolean; n: number }>`
      select i.status = 'open' as open, exists (select 1 from finding f where f.subject_kind = 'investigation'
        and f.subject_id = i.id::text and f.status in ('breached', 'acknowledged')) as failing, count(*)::int as n
      from investigation i group by 1, 2`.execute(db)
    const n = (open: boolean | null, failing: boolean | null) =>
      rows
        .filter((r) => (open === null || r.open === open) && (failing === null || r.failing === failing))
        .reduce((sum, r) => sum + r.n, 0)
    const openShare = n(true, true) / n(true, null)
    const allShare = n(null, true) / n(null, null)
    const { rows: byRule } = await sql<{ rule_id: string; n: number }>`
      select rule_id, count(distinct subject_id)::int as n from finding
      where subject_kind = 'investigation' and status in ('breached', 'acknowledged')
      group by rule_id order by rule_id`.execute(db)
    const { rows: byType } = await sql<{
      case_type: string
      open: number
      failing: number
      untrained: number
    }>`
      select i.case_type, count(*)::int as open,
        count(*) filter (where exists (select 1 from finding f where f.subject_kind = 'investigation'
          and f.subject_id = i.id::text and f.status in ('breached', 'acknowledged')))::int as failing,
        count(*) filter (where exists (select 1 from finding f where f.subject_kind = 'investigation'
          and f.subject_id = i.id::text and f.rule_id = 'INV-06' and f.status = 'breached'))::int as untrained
      from investigation i where i.status = 'open' group by 1 order by 1`.execute(db)
    console.log(
      'investigations seed:',
      JSON.stringify({ count, open: n(true, null), openShare, allShare, byRule, byType }),
    )
    expect(n(true, null)).toBeGreaterThan(20)
    expect(openShare).toBeGreaterThan(0.5)
    expect(openShare).toBeLessThan(0.85)

    // Most strategy discussions had no health ("most of them involved only the police and children's social care").
    const { rows: health } = await sql<{ share: number }>`
      select avg(case when exists (select 1 from strategy_participant p where p.strategy_discussion_id = s.id
        and p.agency = 'health') then 0 else 1 end)::float as share from strategy_discussion s`.execute(db)
    expect(health[0]?.share).toBeGreaterThan(0.4)
  })
})
