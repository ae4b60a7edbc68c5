import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestKestrel, testKestrel } from '../../test/app.ts'
import type { Measure } from '../platform/measures.ts'

// The engine's measures on findings written by hand, so every figure is counted here first. September 2018
// is the period; the boroughs and the team are made-up ids (a finding keeps the borough its record lay in
// and the team that owns its duty).
let kestrel: TestKestrel
const borough = '11111111-1111-4111-8111-111111111111'
const other = '22222222-2222-4222-8222-222222222222'
const team = '33333333-3333-4333-8333-333333333333'
const september = { from: new Date('2018-09-01T00:00:00Z'), until: new Date('2018-10-01T00:00:00Z') }

interface HandFinding {
  subject: string
  opened: string
  breached?: string
  closed?: string
  area?: string
  team?: string
}

// Record A: two findings, one breached on 10 Sep and closed 4 days later. Record B: one finding met in time.
// Record C: breached 20 Sep and still open. Record D: first judged in August (outside the period), breached
// 2 Sep and closed 10 days later. Record E: in the other borough, opened in September, met in time. The team
// owns A's findings and C's.
const findings: HandFinding[] = [
  {
    subject: 'A',
    opened: '2018-09-01T09:00:00Z',
    breached: '2018-09-10T09:00:00Z',
    closed: '2018-09-14T09:00:00Z',
    team,
  },
  { subject: 'A', opened: '2018-09-02T09:00:00Z', closed: '2018-09-03T09:00:00Z', team },
  { subject: 'B', opened: '2018-09-05T09:00:00Z', closed: '2018-09-06T09:00:00Z' },
  { subject: 'C', opened: '2018-09-15T09:00:00Z', breached: '2018-09-20T09:00:00Z', team },
  {
    subject: 'D',
    opened: '2018-08-20T09:00:00Z',
    breached: '2018-09-02T09:00:00Z',
    closed: '2018-09-12T09:00:00Z',
  },
  { subject: 'E', opened: '2018-09-07T09:00:00Z', closed: '2018-09-08T09:00:00Z', area: other },
]

beforeAll(async () => {
  kestrel = await testKestrel()
  let n = 0
  for (const f of findings)
    await kestrel.services.db
      .insertInto('finding')
      .values({
        rule_id: 'FIX-01',
        subject_kind: 'fixture',
        subject_id: f.subject,
        obligation_key: String(n++),
        status: f.closed ? (f.breached ? 'met_late' : 'met') : f.breached ? 'breached' : 'due',
        opened_at: new Date(f.opened),
        breached_at: f.breached ? new Date(f.breached) : null,
        met_at: f.closed ? new Date(f.closed) : null,
        closed_at: f.closed ? new Date(f.closed) : null,
        borough_id: f.area ?? borough,
        assignee_team_id: f.team ?? null,
        updated_at: new Date(f.closed ?? f.breached ?? f.opened),
      })
      .execute()
}, 60_000)
afterAll(() => kestrel?.close())

const take = (id: string, boroughIds: string[] | null = [borough], teamId: string | null = null) =>
  (kestrel.services.measures.get(id) as Measure).take(kestrel.services.db, {
    ...september,
    boroughIds,
    teamId,
  })

describe('the standards engine’s measures, counted by hand', () => {
  it('counts findings opened and breached in the period, and breached ones open at its end', async () => {
    expect(await take('standards.findings-opened')).toEqual({ value: 4, over: 4 })
    expect(await take('standards.findings-opened', null)).toEqual({ value: 5, over: 5 })
    expect(await take('standards.findings-opened', [borough, other])).toEqual({ value: 5, over: 5 })
    expect(await take('standards.findings-opened', [])).toEqual({ value: null, over: 0 })
    // The team's: A's two and C's, wherever they lie.
    expect(await take('standards.findings-opened', null, team)).toEqual({ value: 3, over: 3 })
    expect(await take('standards.findings-breached', null, team)).toEqual({ value: 2, over: 3 })
    // Open at some time in September: A's two, B, C and D (opened in August, open until 12 Sep).
    expect(await take('standards.findings-breached')).toEqual({ value: 3, over: 5 })
    // Open at the end of September: only C, breached.
    expect(await take('standards.breached-open')).toEqual({ value: 1, over: 1 })
  })

  it('takes the median days from a breach to its close over those closed in the period', async () => {
    // A: 4 days, D: 10 days.
    expect(await take('standards.days-to-close')).toEqual({ value: 7, over: 2 })
  })

  it('finds the share of records first judged in the period that were never breached', async () => {
    // A (breached), B (not), C (breached); D was first judged in August; E is in the other BCU.
    expect(await take('standards.right-first-time')).toEqual({ value: 1 / 3, over: 3 })
    expect(await take('standards.right-first-time', null)).toEqual({ value: 2 / 4, over: 4 })
  })
})
