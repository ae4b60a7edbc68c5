import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { forceWideReach } from '../../platform/access/need-to-know.ts'
import { ImportRejected } from '../../platform/import/importer.ts'
import { movableClock, type ReferralsFixture, referralsFixture } from './test-fixtures.ts'

const clock = movableClock('2018-09-01T12:00:00Z')

describe('pac import kind (database)', () => {
  let f: ReferralsFixture
  let childRef: string
  beforeAll(async () => {
    f = await referralsFixture(clock)
    childRef = (await f.child('Imported')).ref
  })
  afterAll(() => f.kestrel.close())

  const line = (extra: Record<string, unknown> = {}) => ({
    kind: 'pac',
    ref: 'MERLIN-1',
    child: childRef,
    aboutKind: 'incident',
    aboutSummary: 'Domestic incident',
    concerns: ['domestic_abuse_stalking_harassment'],
    riskLevel: 'medium',
    riskAssessment: 'Repeat calls',
    childSpokenTo: true,
    voiceOfChild: 'Scared',
    policeFirstKnewAt: '2018-08-01T21:40:00Z',
    createdAt: '2018-08-02T03:10:00Z',
    borough: 'Camden',
    raisedBy: 'MP9001',
    ...extra,
  })
  const staff = {
    kind: 'staff',
    ref: 'MP9001',
    name: 'PC Anna Import',
    rank: 'constable',
    startDate: '2015-01-01',
  }
  const run = (...lines: object[]) =>
    f.kestrel.services.imports.run(lines.map((l) => JSON.stringify(l)).join('\n'), 'tester')

  it('writes a PAC with its whole path, staff by number, borough by name, and updates it by ref', async () => {
    await run(
      staff,
      line({
        review: { at: '2018-08-02T09:00:00Z', by: 'MP9001', decision: 'approved' },
        sharedWithMashAt: '2018-08-02T10:00:00Z',
        mash: { brag: 'amber', ratedAt: '2018-08-02T11:00:00Z', decisionAt: '2018-08-02T16:00:00Z' },
        outcome: { outcome: 'nfa', reason: 'Below threshold', feedbackAt: '2018-08-03T12:00:00Z' },
      }),
    )
    const { items } = await f.kestrel.services.referrals.list({}, forceWideReach)
    expect(items[0]).toMatchObject({
      ref: 'MERLIN-1',
      raisedByName: 'PC Anna Import',
      boroughName: 'Camden',
      mashBrag: 'amber',
      outcome: 'nfa',
      stage: 'closed',
    })
    expect(items[0]?.bcuId).not.toBeNull()
    await run(line({ riskLevel: 'high' }))
    expect((await f.kestrel.services.referrals.list({}, forceWideReach)).items[0]).toMatchObject({
      riskLevel: 'high',
      version: 2,
    })
  })

  const rejected: [string, Record<string, unknown>, string][] = [
    ['an unknown child', { child: 'KP-NOPE' }, 'child'],
    ['an unknown borough', { borough: 'Atlantis' }, 'borough'],
    [
      'a BRAG outside the four',
      { sharedWithMashAt: '2018-08-02T10:00:00Z', mash: { brag: 'purple' } },
      'mash.brag',
    ],
    [
      'an outcome without the PAC shared',
      { outcome: { outcome: 'section_17', feedbackAt: '2018-08-03T12:00:00Z' } },
      'outcome',
    ],
    [
      'a decision before creation',
      { review: { at: '2018-08-01T09:00:00Z', decision: 'approved' } },
      'review.at',
    ],
    ['a time in the future', { createdAt: '2018-09-02T00:00:00Z' }, 'createdAt'],
  ]
  it.each(rejected)('rejects %s, naming the field, and writes nothing', async (_what, extra, field) => {
    const error = await run(staff, line({ ref: 'MERLIN-BAD', ...extra })).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ImportRejected)
    expect((error as ImportRejected).errors[0]?.field).toBe(field)
    expect(
      (await f.kestrel.services.referrals.list({}, forceWideReach)).items.map((p) => p.ref),
    ).not.toContain('MERLIN-BAD')
  })
})
