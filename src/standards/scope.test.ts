import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestKestrel, testKestrel } from '../../test/app.ts'
import { reachOf } from '../platform/access/need-to-know.ts'
import type { Principal } from '../platform/auth/principal.ts'
import { seededRandom } from '../platform/seed/random.ts'
import { mostUrgentFirst } from '../platform/urgency.ts'
import { findingKind } from './access.ts'
import { inScope, type MyWork, myWorkOf, scopeParts, teamScope } from './scope.ts'
import type { FindingFilter } from './service.ts'

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`
const [teamA, teamB, teamC, teamD] = [uuid(1), uuid(2), uuid(3), uuid(4)]
const [bcuNorth, bcuSouth] = [uuid(11), uuid(12)]
// The boroughs each BCU holds today; the BCU stored on a finding may be an older one, and is not asked.
const [north1, north2, south1, south2] = [uuid(21), uuid(22), uuid(23), uuid(24)]
const me = uuid(98)
const someoneElse = uuid(97)

const principal = (roles: Principal['roles'], area: Principal['area']): Principal => ({
  kind: 'user',
  id: uuid(99),
  username: 'someone',
  displayName: 'Someone',
  roles,
  staffId: me,
  area,
})
const area = (bcuId: string | null, boroughIds: string[], teamIds: string[]): Principal['area'] => ({
  forceWide: false,
  bcuId,
  boroughId: boroughIds[0] ?? null,
  boroughIds,
  teamIds,
})
const north = (teamIds: string[]) => area(bcuNorth, [north1, north2], teamIds)
const south = (teamIds: string[]) => area(bcuSouth, [south1, south2], teamIds)

describe('whose findings a person works on "My team"', () => {
  const supervisor = teamScope(principal(['supervisor'], north([teamA])))
  const lead = teamScope(principal(['bcu_lead'], north([teamA])))

  it("takes the teams and boroughs from the person's area today", () => {
    expect(supervisor).toEqual({
      forceWide: false,
      teamIds: [teamA],
      boroughIds: [north1, north2],
      wholeArea: false,
    })
    expect(lead).toMatchObject({ wholeArea: true })
  })

  it("a supervisor: their team anywhere, and the findings no team owns in their area's boroughs", () => {
    expect(inScope(supervisor, { assigneeTeamId: teamA, boroughId: south1 })).toBe(true)
    expect(inScope(supervisor, { assigneeTeamId: null, boroughId: north1 })).toBe(true)
    expect(inScope(supervisor, { assigneeTeamId: null, boroughId: north2 })).toBe(true)
    expect(inScope(supervisor, { assigneeTeamId: teamB, boroughId: north1 })).toBe(false)
    expect(inScope(supervisor, { assigneeTeamId: null, boroughId: south1 })).toBe(false)
    expect(inScope(supervisor, { assigneeTeamId: null, boroughId: null })).toBe(false)
  })

  it("a BCU lead: every finding of their area's boroughs, and their own team", () => {
    expect(inScope(lead, { assigneeTeamId: teamB, boroughId: north2 })).toBe(true)
    expect(inScope(lead, { assigneeTeamId: teamA, boroughId: south1 })).toBe(true)
    expect(inScope(lead, { assigneeTeamId: teamB, boroughId: south1 })).toBe(false)
  })

  it('force-wide roles see everything; someone with no team and no area sees nothing', () => {
    const force = teamScope(principal(['force_lead'], { forceWide: true }))
    expect(inScope(force, { assigneeTeamId: null, boroughId: null })).toBe(true)
    const nobody = teamScope(principal(['supervisor'], area(null, [], [])))
    expect(inScope(nobody, { assigneeTeamId: teamA, boroughId: north1 })).toBe(false)
    expect(scopeParts(nobody)).toEqual([])
  })

  it('reads one part per team and one per borough, each from an index in page order', () => {
    expect(scopeParts(supervisor)).toHaveLength(3)
    expect(scopeParts(teamScope(principal(['bcu_lead'], north([]))))).toHaveLength(2)
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
  borough_id: string | null
  bcu_id: string | null
  assignee_team_id: string | null
  assignee_staff_id: string | null
}

describe('lists and counts by queue and by need to know, on the database', () => {
  let kestrel: TestKestrel
  const rows: Row[] = []

  beforeAll(async () => {
    kestrel = await testKestrel()
    // Findings written directly: what matters here is where they lie, who owns them and when they fall
    // due, with ties on the due time (ordered by rule, then subject) and findings breached on sight (no due
    // time). The BCU stored on each is drawn apart from its borough: nothing may go by it.
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
        borough_id: random.pick([north1, north2, south1, south2, null]),
        bcu_id: random.pick([bcuNorth, bcuSouth, null]),
        assignee_team_id: random.pick([teamA, teamB, teamC, teamD, null, null]),
        assignee_staff_id: random.pick([me, someoneElse, null, null]),
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

  const place = (r: Row) => ({
    boroughId: r.borough_id,
    assigneeTeamId: r.assignee_team_id,
    assigneeStaffId: r.assignee_staff_id,
  })

  /** The expected list, worked out here from the rows alone. */
  const expected = (keep: (r: Row) => boolean, filter: FindingFilter = {}) =>
    rows
      .filter((r) => r.closed_at === null)
      .filter((r) => !filter.ruleId || r.rule_id === filter.ruleId)
      .filter(keep)
      .sort(
        (a, b) =>
          (a.due_at ?? a.opened_at).getTime() - (b.due_at ?? b.opened_at).getTime() ||
          (a.rule_id < b.rule_id ? -1 : a.rule_id > b.rule_id ? 1 : 0) ||
          (a.subject_id < b.subject_id ? -1 : a.subject_id > b.subject_id ? 1 : 0),
      )
      .map((r) => r.id)

  const people: [string, Principal][] = [
    ['force', principal(['force_lead'], { forceWide: true })],
    ['supervisor of one team', principal(['supervisor'], north([teamA]))],
    ['supervisor of two teams', principal(['supervisor'], south([teamA, teamC]))],
    ['BCU lead with a team', principal(['bcu_lead'], north([teamB]))],
    ['BCU lead without a team', principal(['bcu_lead'], south([]))],
    ['team but no area', principal(['supervisor'], area(null, [], [teamD]))],
    ['nothing', principal(['supervisor'], area(null, [], []))],
  ]

  /** Every page of a filter, 7 rows at a time, and its count. */
  async function pagesOf(filter: FindingFilter, length: number) {
    const standards = kestrel.services.standards
    const pages: string[] = []
    for (let offset = 0; offset < length + 7; offset += 7) {
      const page = await standards.listFindings({ ...filter, limit: 7, offset })
      pages.push(...page.map((f) => f.id as string))
    }
    return { pages, count: await standards.countFindings(filter) }
  }

  it.each(people)('%s, "My team": every page in order, and the count', async (_, person) => {
    const queue = teamScope(person)
    for (const ruleId of [undefined, 'INV-02']) {
      const want = expected(
        (r) => inScope(queue, { assigneeTeamId: r.assignee_team_id, boroughId: r.borough_id }),
        {
          ruleId,
        },
      )
      const { pages, count } = await pagesOf({ queue, status: 'open', ruleId }, want.length)
      expect(count).toBe(want.length)
      expect(pages).toEqual(want)
    }
  })

  it.each(people)(
    '%s, "My team" most urgent first: every page in the urgency kernel\'s order',
    async (_, person) => {
      const queue = teamScope(person)
      const now = new Date('2024-05-01T15:00:00Z')
      const rank: Record<string, number> = { low: 0, medium: 1, high: 2 }
      const byId = new Map(rows.map((r) => [r.id, r]))
      // The kernel's order over the rows by rule and subject (its ties keep that order), risk by severity.
      const want = mostUrgentFirst(
        expected((r) => inScope(queue, { assigneeTeamId: r.assignee_team_id, boroughId: r.borough_id }))
          .map((id) => byId.get(id) as Row)
          .sort((a, b) => a.rule_id.localeCompare(b.rule_id) || (a.subject_id < b.subject_id ? -1 : 1)),
        now,
        (r) => ({
          dueAt: r.due_at,
          risk: rank[kestrel.services.standards.rule(r.rule_id)?.severity ?? 'medium'],
        }),
      ).map((r) => r.id)
      const { pages } = await pagesOf({ queue, status: 'open', urgentFirstAt: now }, want.length)
      expect(pages).toEqual(want)
    },
  )

  it.each(people)('%s, need to know: every page in order, and the count', async (_, person) => {
    const reach = reachOf(person)
    const want = expected((r) => findingKind.canSee(reach, place(r)))
    const { pages, count } = await pagesOf({ reach, status: 'open' }, want.length)
    expect(count).toBe(want.length)
    expect(pages).toEqual(want)
  })

  it('"My work": mine by name, and for a role whose team holds the work, its findings that name no one', async () => {
    const officer = myWorkOf(principal(['officer'], north([teamA]))) as MyWork
    const custody = myWorkOf(principal(['custody'], north([teamB]))) as MyWork
    const supervisor = myWorkOf(principal(['supervisor'], south([teamA, teamC]))) as MyWork
    expect(officer.teamIds).toEqual([])
    expect(custody.teamIds).toEqual([teamB])
    for (const [work, person] of [
      [officer, principal(['officer'], north([teamA]))],
      [custody, principal(['custody'], north([teamB]))],
      [supervisor, principal(['supervisor'], south([teamA, teamC]))],
    ] as const) {
      // Worked out from the rows, not through isMyWork: named to me, or to my team with no one named.
      const want = expected(
        (r) =>
          r.assignee_staff_id === me ||
          (r.assignee_staff_id === null &&
            r.assignee_team_id !== null &&
            work.teamIds.includes(r.assignee_team_id)),
      )
      const { pages, count } = await pagesOf({ mine: work, status: 'open' }, want.length)
      expect(count).toBe(want.length)
      expect(pages).toEqual(want)
      // Inside need to know, and not vacuous: the custody suite's unnamed findings are there.
      const reach = reachOf(person)
      const byId = new Map(rows.map((r) => [r.id, r]))
      for (const id of want) expect(findingKind.canSee(reach, place(byId.get(id) as Row))).toBe(true)
    }
    const named = expected((r) => r.assignee_staff_id === me)
    const custodyWork = (await pagesOf({ mine: custody, status: 'open' }, rows.length)).pages
    expect(custodyWork.length).toBeGreaterThan(named.length)
    expect(myWorkOf({ ...principal(['custody'], north([teamB])), staffId: null })).toBeNull()
  })

  it('"My team" lies inside need to know', () => {
    for (const [, person] of people) {
      const queue = teamScope(person)
      const reach = reachOf(person)
      for (const r of rows)
        if (inScope(queue, { assigneeTeamId: r.assignee_team_id, boroughId: r.borough_id }))
          expect(findingKind.canSee(reach, place(r))).toBe(true)
    }
  })

  it('the queues are not all alike, nor the same as need to know (the comparisons above are not vacuous)', () => {
    const queues = people.map(([, p]) =>
      expected((r) => inScope(teamScope(p), { assigneeTeamId: r.assignee_team_id, boroughId: r.borough_id })),
    )
    const reaches = people.map(([, p]) => expected((r) => findingKind.canSee(reachOf(p), place(r))))
    expect(new Set(queues.map((q) => q.length)).size).toBeGreaterThan(4)
    expect(queues.at(-1)).toEqual([])
    // A supervisor's need to know is wider than their queue: their area's team-owned findings, and their own.
    expect(reaches[1]?.length).toBeGreaterThan(queues[1]?.length ?? 0)
    // Someone with no team and no area still sees the findings assigned to them.
    expect(reaches.at(-1)?.length).toBeGreaterThan(0)
  })
})
