import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signIn } from '../../../test/app.ts'
import { requestsTo } from '../../../test/requests.ts'
import { recommendationsFixture } from './test-fixtures.ts'

type Fixture = Awaited<ReturnType<typeof recommendationsFixture>>
let fx: Fixture

beforeAll(async () => {
  fx = await recommendationsFixture('2019-03-01T12:00:00Z')
})
afterAll(() => fx?.kestrel.close())

const service = () => fx.kestrel.services.recommendations

/** REC-01's findings on a recommendation as at an instant, by obligation: the state of each. */
async function states(recommendationId: string, asOf: string) {
  const { findings, results } = await fx.kestrel.services.standards.findingsAt(new Date(asOf), {
    ruleId: 'REC-01',
    subjectId: recommendationId,
  })
  const failed = results.filter((r) => !r.ok)
  if (failed.length) throw new Error(`REC-01 failed: ${JSON.stringify(failed)}`)
  return findings
    .map((f) => `${f.detail.startsWith('Milestone') ? 'milestone' : 'time frame'} ${f.status}`)
    .sort()
}

describe('REC-01 a recommendation or action past its milestone with no evidence of completion', () => {
  it('is breached for a milestone passed with no evidence, and met by evidence linked to it', async () => {
    const rec = await fx.byRef('R2018-02')
    const action = await service().addAction(
      rec.id,
      { title: 'Bring in triage for non-specialists', ownerStaffId: fx.owners.ada.id },
      fx.author,
    )
    const milestone = await service().addMilestone(
      rec.id,
      action.id,
      { title: 'Triage kits in every BCU', dueOn: '2019-04-30' },
      fx.author,
    )
    // On its day it is still due; from the next day, with no evidence, breached.
    expect(await states(rec.id, '2019-04-30T20:00:00Z')).toContain('milestone due')
    expect(await states(rec.id, '2019-05-01T12:00:00Z')).toContain('milestone breached')
    fx.clock.set('2019-05-20T12:00:00Z')
    await service().addEvidence(
      rec.id,
      action.id,
      {
        kind: 'document',
        reference: 'DOC-TRIAGE-ROLLOUT',
        milestoneId: milestone.id,
        description: 'Roll-out report',
        evidenceOn: '2019-05-20',
      },
      fx.author,
    )
    expect(await states(rec.id, '2019-05-21T12:00:00Z')).toContain('milestone met_late')
  })

  it('is not raised for a milestone evidenced on time, nor for one not yet due', async () => {
    fx.clock.set('2019-03-01T12:00:00Z')
    const rec = await fx.byRef('R2016-09')
    const action = await service().addAction(
      rec.id,
      { title: 'Skills audit of the CAITs', ownerStaffId: fx.owners.bo.id },
      fx.author,
    )
    const onTime = await service().addMilestone(
      rec.id,
      action.id,
      { title: 'Audit questionnaire out', dueOn: '2019-03-10' },
      fx.author,
    )
    await service().addMilestone(
      rec.id,
      action.id,
      { title: 'Audit reported', dueOn: '2019-09-30' },
      fx.author,
    )
    await service().addEvidence(
      rec.id,
      action.id,
      {
        kind: 'audit',
        reference: 'Skills audit 2019',
        milestoneId: onTime.id,
        description: null,
        evidenceOn: '2019-03-01',
      },
      fx.author,
    )
    expect((await states(rec.id, '2019-04-01T12:00:00Z')).filter((s) => s.startsWith('milestone'))).toEqual([
      'milestone due',
      'milestone met',
    ])
  })

  it('is breached for a recommendation past its time frame until every action on it is complete', async () => {
    fx.clock.set('2019-03-01T12:00:00Z')
    const rec = await fx.byRef('R2016-07')
    // Six months from November 2016: breached from 2 May 2017, with no action at all.
    expect(await states(rec.id, '2017-05-01T12:00:00Z')).toEqual(['time frame due'])
    expect(await states(rec.id, '2017-05-02T12:00:00Z')).toEqual(['time frame breached'])
    const action = await service().addAction(
      rec.id,
      { title: 'Resourcing decisions from the framework', ownerStaffId: fx.owners.ada.id },
      fx.author,
    )
    await service().addEvidence(
      rec.id,
      action.id,
      {
        kind: 'measure',
        reference: 'recommendations.on-track',
        milestoneId: null,
        description: null,
        evidenceOn: '2019-02-28',
      },
      fx.author,
    )
    expect(await states(rec.id, '2019-03-01T12:00:00Z')).toEqual(['time frame breached'])
    await service().completeAction(
      rec.id,
      action.id,
      { completedOn: '2019-03-01', version: action.version },
      fx.author,
    )
    expect(await states(rec.id, '2019-03-01T13:00:00Z')).toEqual(['time frame met_late'])
  })

  it('keeps the stored finding in step with a write: the recommendation’s page finds it open', async () => {
    const rec = await fx.byRef('R2016-07')
    const stored = await fx.kestrel.services.standards.findingsForSubject('recommendation', rec.id)
    expect(stored.map((f) => f.status)).toEqual(['met_late'])
  })
})

describe('REC-01’s findings where people read them', () => {
  it('opens for a force lead with a link to the recommendation, and is in the action owner’s work', async () => {
    const { get } = requestsTo(() => fx.kestrel.app)
    const rec = await fx.byRef('R2018-02')
    await fx.kestrel.services.standards.sweep({ ruleIds: ['REC-01'] })
    const stored = await fx.kestrel.services.standards.findingsForSubject('recommendation', rec.id)
    const lead = await signIn(fx.kestrel, ['force_lead'])
    for (const finding of stored) {
      const page = await get(lead, `/findings/${finding.id}`)
      expect(page.statusCode).toBe(200)
      expect(page.body).toContain(`/recommendations/${rec.id}`)
    }
    const owner = await signIn(fx.kestrel, ['supervisor'], { staffId: fx.owners.ada.id })
    const work = await get(owner, '/my-work')
    expect(work.statusCode).toBe(200)
    expect(
      await get(owner, `/findings/${stored.find((f) => f.detail.startsWith('Milestone'))?.id}`),
    ).toMatchObject({
      statusCode: 200,
    })
  })
})

describe('REC-01 in the steady sweep', () => {
  it('reads the milestone that fell due, and breaches it', async () => {
    const { standards } = fx.kestrel.services
    fx.clock.set('2019-03-01T12:00:00Z')
    const rec = await fx.byRef('R2018-01')
    const action = await service().addAction(
      rec.id,
      { title: 'Audit the steady sweep', ownerStaffId: fx.owners.ada.id },
      fx.author,
    )
    await service().addMilestone(
      rec.id,
      action.id,
      { title: 'Findings shown within a minute', dueOn: '2019-03-10' },
      fx.author,
    )
    await standards.sweep({ timeBasedOnly: true })
    const stored = async () =>
      (await standards.listFindings({ ruleId: 'REC-01', subjectId: rec.id }))
        .filter((f) => f.detail.startsWith('Milestone “Findings shown'))
        .map((f) => f.status)
    expect(await stored()).toEqual(['due'])
    // Midnight in London at the end of 10 March (GMT), and a minute.
    fx.clock.set('2019-03-11T00:01:00Z')
    const swept = await standards.sweep({ timeBasedOnly: true })
    expect(swept.find((r) => r.ruleId === 'REC-01')?.dueRecords).toBeGreaterThanOrEqual(1)
    expect(await stored()).toEqual(['breached'])
  })
})
