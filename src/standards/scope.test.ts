import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestKestrel, testKestrel } from '../../test/app.ts'
import type { Principal } from '../platform/auth/principal.ts'
import { seededRandom } from '../platform/seed/random.ts'
import { inScope, type TeamScope, teamScope } from './scope.ts'
import type { FindingFilter } from './service.ts'

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`
const [teamA, teamB, teamC, teamD] = [uuid(1), uuid(2), uuid(3), uuid(4)]
const [bcuNorth, bcuSouth] = [uuid(11), uuid(12)]

const principal = (roles: Principal['roles'], area: Principal['area']): Principal => ({
  kind: 'user',
  id: uuid(99),
  username: 'someone',
  displayName: 'Someone',
  roles,
  staffId: uuid(98),
  area,
})
const north = { forceWide: false as const, bcuId: bcuNorth, boroughId: null, boroughIds: [], teamIds: [] }

describe('whose findings a person sees', () => {
  const supervisor = teamScope(principal(['supervisor'], north), [teamA])
  const lead = teamScope(principal(['bcu_lead'], north), [teamA])

  it('a supervisor: their team anywhere, and the findings of their BCU that no team owns', () => {
    expect(inScope(supervisor, { assigneeTeamId: teamA, bcuId: bcuSouth })).toBe(true)
    expect(inScope(supervisor, { assigneeTeamId: null, bcuId: bcuNorth })).toBe(true)
    expect(inScope(supervisor, { assigneeTeamId: teamB, bcuId: bcuNorth })).toBe(false)
    expect(inScope(supervisor, { assigneeTeamId: null, bcuId: bcuSouth })).toBe(false)
    expect(inScope(supervisor, { assigneeTeamId: null, bcuId: null })).toBe(false)
  })

  it('a BCU lead: every finding of the BCU, and their own team', () => {
    expect(inScope(lead, { assigneeTeamId: teamB, bcuId: bcuNorth })).toBe(true)
    expect(inScope(lead, { assigneeTeamId: teamA, bcuId: bcuSouth })).toBe(true)
    expect(inScope(lead, { assigneeTeamId: teamB, bcuId: bcuSouth })).toBe(false)
  })

  it('force-wide roles see everything; someone with no team and no BCU sees nothing', () => {
    const force = teamScope(principal(['force_lead'], { forceWide: true }), [])
    expect(inScope(force, { assigneeTeamId: null, bcuId: null })).toBe(true)
    const nobody = teamScope(principal(['supervisor'], { ...north, bcuId: null }), [])
    expect(inScope(nobody, { assigneeTeamId: teamA, bcuId: bcuNorth })).toBe(false)
  })
})

interface Row {
  id: string
  rule_id: string
  subject_id: string
  status: string
  opened_at: Date
  due_at: Date | null
  closed_at: Date | null
  bcu_id: string | null
  assignee_team_id: string | null
}

describe('lists and counts by scope, on the database', () => {
  let kestrel: TestKestrel
  const rows: Row[] = []

  beforeAll(async () => {
    kestrel = await testKestrel()
    // Findings written directly: what matters here is who owns them and when they fall due, with ties
    // on the due time (ordered by rule, then subject) and findings breached on sight (no due time).
    const random = seededRandom('finding-scope')
    const base = Date.parse('2024-05-01T00:00:00Z')
    for (let i = 0; i < 400; i++) {
      const closed = random.chance(0.3)
      const opened = new Date(base + random.int(0, 20) * 3_600_000)
      rows.push({
        id: uuid(1000 + i),
        rule_id: random.pick(['CUS-01', 'INV-02', 'MIS-03']),
        subject_id: `s${random.int(100, 999)}-${i}`,
        status: closed ? 'resolved_auto' : random.pick(['due', 'breached', 'acknowledged']),
        opened_at: opened,
        due_at: random.chance(0.2) ? null : new Date(base + random.int(0, 30) * 3_600_000),
        closed_at: closed ? new Date(base + 40 * 3_600_000) : null,
        bcu_id: random.pick([bcuNorth, bcuSouth, null]),
        assignee_team_id: random.pick([teamA, teamB, teamC, teamD, null, null]),
      })
    }
    await kestrel.services.db
      .insertInto('finding')
      .values(
        rows.map((r) => ({
          ...r,
          subject_kind: 'test-thing',
          subject_ref: r.subject_id.toUpperCase(),
          acknowledged_at: r.status === 'acknowledged' ? r.opened_at : null,
          updated_at: r.opened_at,
        })),
      )
      .execute()
  })
  afterAll(() => kestrel.close())

  /** The expected list, worked out here from the rows alone. */
  const expected = (scope: TeamScope, filter: FindingFilter = {}) =>
    rows
      .filter((r) => r.closed_at === null)
      .filter((r) => !filter.ruleId || r.rule_id === filter.ruleId)
      .filter((r) => inScope(scope, { assigneeTeamId: r.assignee_team_id, bcuId: r.bcu_id }))
      .sort(
        (a, b) =>
          (a.due_at ?? a.opened_at).getTime() - (b.due_at ?? b.opened_at).getTime() ||
          (a.rule_id < b.rule_id ? -1 : a.rule_id > b.rule_id ? 1 : 0) ||
          (a.subject_id < b.subject_id ? -1 : a.subject_id > b.subject_id ? 1 : 0),
      )
      .map((r) => r.id)

  const scopes: [string, TeamScope][] = [
    ['force', { forceWide: true }],
    ['supervisor of one team', { forceWide: false, teamIds: [teamA], bcuId: bcuNorth, wholeBcu: false }],
    [
      'supervisor of two teams',
      { forceWide: false, teamIds: [teamA, teamC], bcuId: bcuSouth, wholeBcu: false },
    ],
    ['BCU lead with a team', { forceWide: false, teamIds: [teamB], bcuId: bcuNorth, wholeBcu: true }],
    ['BCU lead without a team', { forceWide: false, teamIds: [], bcuId: bcuSouth, wholeBcu: true }],
    ['team but no BCU', { forceWide: false, teamIds: [teamD], bcuId: null, wholeBcu: false }],
    ['nothing', { forceWide: false, teamIds: [], bcuId: null, wholeBcu: false }],
  ]

  it.each(scopes)('%s: every page in order, and the count', async (_, scope) => {
    const standards = kestrel.services.standards
    for (const ruleId of [undefined, 'INV-02']) {
      const want = expected(scope, { ruleId })
      const filter: FindingFilter = { scope, status: 'open', ruleId }
      expect(await standards.countFindings(filter)).toBe(want.length)
      const pages: string[] = []
      for (let offset = 0; offset < want.length + 7; offset += 7) {
        const page = await standards.listFindings({ ...filter, limit: 7, offset })
        pages.push(...page.map((f) => f.id as string))
      }
      expect(pages).toEqual(want)
    }
  })

  it('the scopes are not all alike (the comparison above is not vacuous)', () => {
    const sizes = scopes.map(([, scope]) => expected(scope).length)
    expect(new Set(sizes).size).toBeGreaterThan(4)
    expect(sizes.at(-1)).toBe(0)
  })
})
