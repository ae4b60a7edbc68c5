import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { movableClock, offendersFixture } from './test-fixtures.ts'

// Records imported in a batch without their RSO's line still move the RSO's stored findings, and an
// allocation the caseloads of the managers it moves between.
type Fixture = Awaited<ReturnType<typeof offendersFixture>>
let fx: Fixture
const clock = movableClock('2019-06-15T12:00:00Z')

beforeAll(async () => {
  fx = await offendersFixture(clock)
})
afterAll(() => fx?.kestrel.close())

const stored = async (kind: string, id: string, ruleId: string) =>
  (await fx.kestrel.services.standards.findingsForSubject(kind, id))
    .filter((f) => f.ruleId === ruleId)
    .map((f) => f.status)
    .sort()

describe('importing records about RSOs held already', () => {
  it('an imported assessment moves its RSO’s stored RSO-01 findings', async () => {
    const rso = await fx.rso('2017-01-01')
    expect(await stored('rso', rso.id, 'RSO-01')).toEqual(['breached'])
    await fx.kestrel.services.imports.run(
      JSON.stringify({
        kind: 'rso-arms',
        ref: 'ARMS-IMPORT-1',
        rso: rso.ref,
        assessedOn: '2019-06-01',
        assessor: 'DC Imported',
        priority: 'medium',
        keyFactors: 'Stable',
      }),
      'tester',
    )
    expect(await stored('rso', rso.id, 'RSO-01')).toEqual(['due', 'met_late'])
  })

  it('an imported allocation re-judges the caseloads of both managers', async () => {
    const { db, imports } = fx.kestrel.services
    const [from, to] = fx.managers as unknown as [{ id: string }, { id: string }]
    // RSO-05's warning line at one RSO, so one allocation moves a manager across it.
    await fx.kestrel.services.standards.parameters.set({
      ruleId: 'RSO-05',
      name: 'warnAbove',
      boroughId: null,
      value: 1,
      effectiveFrom: new Date('2017-01-01T00:00:00Z'),
      reason: 'Testing the import',
      setBy: 'tester',
    })
    await fx.rso('2017-01-01', { manager: 'J1002' })
    await fx.rso('2017-01-01', { manager: 'J1002' })
    expect(await stored('offender-manager', to.id, 'RSO-05')).toEqual(['due'])
    const theirs = await db.selectFrom('rso').select('ref').where('manager_staff_id', '=', to.id).execute()
    await imports.run(
      JSON.stringify({
        kind: 'rso-allocation',
        ref: 'ALLOC-IMPORT-1',
        rso: theirs[0]?.ref,
        manager: 'J1001',
        at: '2019-06-15T11:00:00Z',
        reason: 'Rebalanced',
      }),
      'tester',
    )
    expect(await stored('offender-manager', to.id, 'RSO-05')).toEqual(['resolved_auto'])
    expect(await stored('offender-manager', from.id, 'RSO-05')).toEqual(['due'])
  })

  it('finds a record a later batch names in another case', async () => {
    const rso = await fx.rso('2017-01-01')
    await fx.kestrel.services.imports.run(
      JSON.stringify({
        kind: 'rso-visit',
        ref: 'visit-case-1',
        rso: rso.ref.toLowerCase(),
        visitedAt: '2019-06-01T10:00:00Z',
        announced: true,
        officers: 'DC Case',
      }),
      'tester',
    )
    // The same visit again, its ref in capitals this time: updated, not a second visit.
    await fx.kestrel.services.imports.run(
      JSON.stringify({
        kind: 'rso-visit',
        ref: 'VISIT-CASE-1',
        rso: rso.ref,
        visitedAt: '2019-06-01T10:00:00Z',
        announced: false,
        officers: 'DC Case',
      }),
      'tester',
    )
    const visits = await fx.kestrel.services.db
      .selectFrom('rso_visit')
      .select(['ref', 'announced', 'version'])
      .where('rso_id', '=', rso.id)
      .execute()
    expect(visits).toEqual([{ ref: 'VISIT-CASE-1', announced: false, version: 2 }])
  })
})
