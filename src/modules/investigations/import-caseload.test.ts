import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type InvestigationsFixture, investigationsFixture, movableClock } from './test-fixtures.ts'

const clock = movableClock('2018-12-01T12:00:00Z')

/**
 * Issue 16: an import's findings are those of the history, not of the order its lines came in. A case
 * imported after another allocation of its officer must still count in that allocation's caseload.
 */
describe('an allocation’s open caseload on import, in any order (INV-07)', () => {
  let f: InvestigationsFixture
  let childRef: string
  beforeAll(async () => {
    f = await investigationsFixture(clock)
    childRef = (await f.child('Caseload')).ref
  })
  afterAll(() => f.kestrel.close())

  const run = (lines: Record<string, unknown>[]) =>
    f.kestrel.services.imports.run(lines.map((l) => JSON.stringify(l)).join('\n'), 'test')

  /** One officer in a team of capacity 2, and four cases opened and allocated to them on days 1 to 4. */
  async function history(prefix: string) {
    const team = await f.team({ capacity: 2 })
    const officer = (await f.staff(team.id, `Officer ${prefix}`)).staffNumber
    return [1, 2, 3, 4].map((d) => {
      const at = `2018-09-0${d}T10:00:00Z`
      return {
        kind: 'investigation',
        ref: `${prefix}-${d}`,
        caseType: 'section_47',
        strands: ['child_abuse'],
        riskLevel: 'medium',
        summary: 'Caseload case',
        borough: 'Camden',
        openedAt: at,
        people: [{ person: childRef, role: 'child' }],
        allocations: [{ team: team.name, officer, at }],
      }
    })
  }

  /** Each case's allocation's open caseload, and its INV-07 findings' statuses, by ref. */
  async function outcome(prefix: string) {
    const db = f.kestrel.services.db
    const cases = await db
      .selectFrom('investigation')
      .innerJoin('investigation_allocation', 'investigation_allocation.investigation_id', 'investigation.id')
      .select(['investigation.id', 'investigation.ref', 'investigation_allocation.open_cases'])
      .where('investigation.ref', 'like', `${prefix}-%`)
      .orderBy('investigation.ref')
      .execute()
    const ids = cases.map((c) => c.id)
    const findings = await db
      .selectFrom('finding')
      .select(['subject_id', 'status'])
      .where('rule_id', '=', 'INV-07')
      .where('subject_id', 'in', ids)
      .execute()
    return cases.map((c) => ({
      case: c.ref.slice(prefix.length + 1),
      openCases: c.open_cases,
      inv07: findings.filter((x) => x.subject_id === c.id).map((x) => x.status),
    }))
  }

  // All four stay open, so each allocation counts the cases allocated before it; with capacity 2 the
  // officer is over it from the third case on (2 other open cases + this one = 3 > 2).
  const expected = [
    { case: '1', openCases: 0, inv07: [] },
    { case: '2', openCases: 1, inv07: [] },
    { case: '3', openCases: 2, inv07: ['breached'] },
    { case: '4', openCases: 3, inv07: ['breached'] },
  ]

  it('in time order, in one batch', async () => {
    await run(await history('INORDER'))
    expect(await outcome('INORDER')).toEqual(expected)
  })

  it('in reverse order, one import per case: each later import recounts the allocations it was open beside', async () => {
    for (const line of (await history('REVERSED')).reverse()) await run([line])
    expect(await outcome('REVERSED')).toEqual(expected)
  })

  it('imported again, closed before the others were allocated: the caseloads it was counted in drop', async () => {
    const lines = await history('AGAIN')
    await run(lines)
    // The first case closed on day 2, after the second allocation and before the third and fourth: they
    // count one case fewer, and the third is no longer over the capacity (1 other open case + this one = 2),
    // so the finding the first import raised on it is closed.
    await run([{ ...lines[0], closure: { at: '2018-09-02T12:00:00Z', outcome: '1', rationale: 'Charged' } }])
    expect(await outcome('AGAIN')).toEqual([
      { case: '1', openCases: 0, inv07: [] },
      { case: '2', openCases: 1, inv07: [] },
      { case: '3', openCases: 1, inv07: ['resolved_auto'] },
      { case: '4', openCases: 2, inv07: ['breached'] },
    ])
  })
})
