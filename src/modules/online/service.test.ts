import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NotFoundError, ValidationError } from '../../platform/http/errors.ts'
import { kiratInput } from './service/inputs.ts'
import { movableClock, onlineFixture } from './test-fixtures.ts'

type Fixture = Awaited<ReturnType<typeof onlineFixture>>
let fx: Fixture
const clock = movableClock('2018-09-01T12:00:00Z')

beforeAll(async () => {
  fx = await onlineFixture(clock)
})
afterAll(() => fx?.kestrel.close())

const tables = [
  'online_case',
  'online_case_stage',
  'online_case_identifier',
  'online_kirat',
  'online_case_child',
  'online_case_safeguarding',
  'change_history',
] as const

/** Rows in every online table: a refused write must change none of them. */
async function counts() {
  const { db } = fx.kestrel.services
  const out: Record<string, number> = {}
  for (const t of tables)
    out[t] = Number(
      (
        await db
          .selectFrom(t)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )
  return out
}

/** The fields a refused write names, after checking it wrote nothing. */
async function refused(write: () => Promise<unknown>) {
  const before = await counts()
  const error = await write().then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ValidationError)
  expect(await counts()).toEqual(before)
  return (error as ValidationError).errors
}

describe('an online case and its stages', () => {
  it('is received when recorded, and each stage change is kept with who recorded it and when', async () => {
    const c = await fx.onlineCase('2018-06-01T09:00:00Z')
    expect(c.stage).toBe('received')
    clock.set('2018-06-20T10:00:00Z')
    await fx.stage(c.ref, { stage: 'awaiting_research', at: '2018-06-02T09:00:00Z' })
    await fx.stage(c.ref, {
      stage: 'awaiting_communications_data',
      at: '2018-06-05T09:00:00Z',
      returnedAt: new Date('2018-06-19T09:00:00Z'),
    })
    // Back to research for a second address: research and communications data alternate.
    await fx.stage(c.ref, { stage: 'awaiting_research', at: '2018-06-19T09:00:00Z' })
    const view = await fx.kestrel.services.online.view(c.ref, fx.specialist)
    expect(view.timeline.map((t) => [t.stage, t.recordedBy])).toEqual([
      ['received', 'test.online_csae'],
      ['awaiting_research', 'test.online_csae'],
      ['awaiting_communications_data', 'test.online_csae'],
      ['awaiting_research', 'test.online_csae'],
    ])
    expect(view.timeline[1]?.recordedAt).toEqual(new Date('2018-06-20T10:00:00Z'))
    // Time in each stage is computed from the changes: three days researching, fourteen awaiting data.
    expect(view.timeline.map((t) => t.msInStage / 86_400_000)).toEqual([1, 3, 14, 1 + 1 / 24])
    expect(view.case.msInStage).toBe(view.timeline[3]?.msInStage)
    clock.set('2018-09-01T12:00:00Z')
  })
})

describe('bad input: a clear error naming the field, nothing written', () => {
  it('a stage dated before the case was received (allocated before received)', async () => {
    const c = await fx.onlineCase('2018-07-01T09:00:00Z')
    const errors = await refused(() =>
      fx.stage(c.ref, { stage: 'allocated', at: '2018-06-30T09:00:00Z', team: 'Online CSAE team' }),
    )
    expect(errors).toEqual([{ field: 'at', reason: 'must not be before the case was received' }])
  })

  it('a warrant before the address was confirmed', async () => {
    const c = await fx.onlineCase('2018-07-01T09:00:00Z')
    const errors = await refused(() =>
      fx.stage(c.ref, { stage: 'warrant_executed', at: '2018-07-02T06:00:00Z' }),
    )
    expect(errors).toEqual([
      { field: 'stage', reason: 'a warrant cannot be executed before the address is confirmed' },
    ])
  })

  it('a stage earlier in the order than the one the case is in', async () => {
    const c = await fx.onlineCase('2018-07-01T09:00:00Z')
    await fx.stage(c.ref, { stage: 'address_confirmed', at: '2018-07-02T09:00:00Z' })
    const errors = await refused(() =>
      fx.stage(c.ref, { stage: 'awaiting_research', at: '2018-07-03T09:00:00Z' }),
    )
    expect(errors).toEqual([
      { field: 'stage', reason: 'awaiting research cannot come after address confirmed' },
    ])
    const earlier = await refused(() =>
      fx.stage(c.ref, { stage: 'ready_for_allocation', at: '2018-07-01T10:00:00Z' }),
    )
    expect(earlier).toEqual([
      { field: 'at', reason: 'must not be before the previous stage (address confirmed)' },
    ])
  })

  it('a stage change dated in the future', async () => {
    const c = await fx.onlineCase('2018-07-01T09:00:00Z')
    const errors = await refused(() =>
      fx.stage(c.ref, { stage: 'awaiting_research', at: '2018-09-01T12:01:00Z' }),
    )
    expect(errors).toEqual([{ field: 'at', reason: 'must not be in the future' }])
  })

  it('a KIRAT level outside the scale', () => {
    const parsed = kiratInput.safeParse({
      case: 'ONL-0000001',
      assessedAt: '2018-07-01T09:00:00Z',
      level: 'extreme',
      answers: [{ question: 'Access to children', answer: 'Yes' }],
      assessor: 'DC Example',
    })
    expect(parsed.success).toBe(false)
    expect(parsed.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['level', 'must be one of very_high, high, medium, low'],
    ])
  })

  it('a child identified who is an adult on that date', async () => {
    const c = await fx.onlineCase('2018-07-01T09:00:00Z')
    const adult = await fx.person('2000-07-02') // 18 on 2 July 2018
    const errors = await refused(() =>
      fx.kestrel.services.online.identifyChild(
        { case: c.ref, person: adult.ref, identifiedAt: new Date('2018-07-02T09:00:00Z') },
        fx.specialist,
      ),
    )
    expect(errors).toEqual([
      { field: 'person', reason: `${adult.ref} was an adult (18) on 2018-07-02, not a child` },
    ])
    // The day before their birthday they were a child.
    await fx.kestrel.services.online.identifyChild(
      { case: c.ref, person: adult.ref, identifiedAt: new Date('2018-07-01T09:30:00Z') },
      fx.specialist,
    )
  })

  it('a CEOP/NCA referral without the NCA reference', async () => {
    // No suspect named: the fixture's new person would be written before the case is refused.
    const errors = await refused(() =>
      fx.onlineCase('2018-07-01T09:00:00Z', { ncaReference: undefined, suspect: undefined }),
    )
    expect(errors).toEqual([
      { field: 'ncaReference', reason: 'enter the NCA’s reference for a CEOP/NCA referral' },
    ])
  })
})

describe('allocation and closing', () => {
  it('a very high or high case to a non-specialist team needs the reason, which is recorded', async () => {
    const { online } = fx.kestrel.services
    const c = await fx.onlineCase('2018-07-01T09:00:00Z')
    await online.recordKirat(
      {
        case: c.ref,
        assessedAt: new Date('2018-07-02T09:00:00Z'),
        level: 'high',
        answers: [
          { question: 'Does the suspect have access to children?', answer: 'Yes, four in the household' },
        ],
        assessor: 'DC O1001',
      },
      fx.specialist,
    )
    await fx.stage(c.ref, { stage: 'address_confirmed', at: '2018-07-03T09:00:00Z' })
    const errors = await refused(() =>
      fx.stage(c.ref, {
        stage: 'allocated',
        at: '2018-07-04T09:00:00Z',
        team: 'Lambeth response',
        officer: 'R1001',
      }),
    )
    expect(errors.map((e) => e.field)).toEqual(['reason'])
    expect(errors[0]?.reason).toContain('KIRAT level is high')
    const saved = await fx.stage(c.ref, {
      stage: 'allocated',
      at: '2018-07-04T09:00:00Z',
      team: 'Lambeth response',
      officer: 'R1001',
      reason: 'The specialist team has no capacity this month',
    })
    expect([saved.allocated_team_kind, saved.allocated_staff_id]).toEqual([
      'frontline',
      fx.officers.lambethResponse.id,
    ])
    const view = await online.view(c.ref, fx.specialist)
    expect(view.timeline.at(-1)?.reason).toBe('The specialist team has no capacity this month')
  })

  it('allocation is for the specialist team and supervisors: an officer may not allocate', async () => {
    const c = await fx.onlineCase('2018-07-01T09:00:00Z', { borough: 'Lambeth' })
    const cait = await fx.principal(['officer'], fx.officers.lambethCait.id)
    await expect(
      fx.stage(c.ref, { stage: 'allocated', at: '2018-07-04T09:00:00Z', team: 'Lambeth CAIT' }, cait),
    ).rejects.toMatchObject({ statusCode: 403 })
  })

  it('closing a case with children and no welfare visit is refused without a supervisor’s reason', async () => {
    const { online } = fx.kestrel.services
    const c = await fx.onlineCase('2018-07-01T09:00:00Z')
    const child = await fx.person('2012-03-01')
    await online.identifyChild(
      { case: c.ref, person: child.ref, identifiedAt: new Date('2018-07-02T09:00:00Z') },
      fx.specialist,
    )
    const noReason = await refused(() => fx.stage(c.ref, { stage: 'closed', at: '2018-07-20T09:00:00Z' }))
    expect(noReason.map((e) => e.field)).toEqual(['reason'])
    // A reason from someone who is not a supervisor is not enough.
    const notSupervisor = await refused(() =>
      fx.stage(c.ref, { stage: 'closed', at: '2018-07-20T09:00:00Z', reason: 'No concerns' }),
    )
    expect(notSupervisor).toEqual([
      {
        field: 'reason',
        reason:
          'Only a supervisor may close a case with children and no welfare visit or social care referral',
      },
    ])
    const supervisor = await fx.principal(['supervisor', 'online_csae'], fx.officers.specialist.id)
    const closed = await fx.stage(
      c.ref,
      { stage: 'closed', at: '2018-07-20T09:00:00Z', reason: 'The children live with their father abroad' },
      supervisor,
    )
    expect([closed.stage, closed.closing_reason]).toEqual([
      'closed',
      'The children live with their father abroad',
    ])
  })

  it('a welfare visit recorded lets the case close without a reason', async () => {
    const { online } = fx.kestrel.services
    const c = await fx.onlineCase('2018-07-01T09:00:00Z')
    const child = await fx.person('2012-03-01')
    await online.identifyChild(
      { case: c.ref, person: child.ref, identifiedAt: new Date('2018-07-02T09:00:00Z') },
      fx.specialist,
    )
    await online.recordSafeguarding(
      { case: c.ref, kind: 'welfare_visit', child: child.ref, at: new Date('2018-07-03T09:00:00Z') },
      fx.specialist,
    )
    const closed = await fx.stage(c.ref, { stage: 'closed', at: '2018-07-20T09:00:00Z' })
    expect(closed.stage).toBe('closed')
  })
})

describe('need to know', () => {
  it('the specialists see every case; a BCU’s child abuse team its area’s; a frontline officer only their own', async () => {
    const { online } = fx.kestrel.services
    const lambeth = await fx.onlineCase('2018-08-01T09:00:00Z', { borough: 'Lambeth' })
    const untraced = await fx.onlineCase('2018-08-01T09:00:00Z', {
      source: 'bellona',
      ncaReference: undefined,
      suspect: undefined,
      borough: undefined,
    })
    await fx.stage(lambeth.ref, { stage: 'address_confirmed', at: '2018-08-02T09:00:00Z' })
    await fx.stage(lambeth.ref, {
      stage: 'allocated',
      at: '2018-08-03T09:00:00Z',
      team: 'Lambeth response',
      officer: 'R1001',
    })
    const sees = async (p: Awaited<ReturnType<typeof fx.principal>>, ref: string) =>
      online.view(ref, p).then(
        () => true,
        (e) => {
          if (e instanceof NotFoundError) return false
          throw e
        },
      )
    const allocatedOfficer = await fx.principal(['officer'], fx.officers.lambethResponse.id)
    const sameTeam = await fx.principal(['officer'], fx.officers.lambethResponse2.id)
    const lambethCait = await fx.principal(['officer'], fx.officers.lambethCait.id)
    const hackney = await fx.principal(['officer'], fx.officers.hackneyResponse.id)
    const hackneySupervisor = await fx.principal(['supervisor'], fx.officers.hackneyResponse.id)
    expect(await sees(fx.specialist, untraced.ref)).toBe(true)
    expect(await sees(fx.specialist, lambeth.ref)).toBe(true)
    expect(await sees(allocatedOfficer, lambeth.ref)).toBe(true)
    expect(await sees(sameTeam, lambeth.ref)).toBe(false)
    expect(await sees(lambethCait, lambeth.ref)).toBe(true)
    expect(await sees(lambethCait, untraced.ref)).toBe(false)
    expect(await sees(hackney, lambeth.ref)).toBe(false)
    expect(await sees(hackneySupervisor, lambeth.ref)).toBe(false)
    // Only the specialist team reads what was found beyond its category.
    expect((await online.view(lambeth.ref, fx.specialist)).case.materialDescription).toContain(
      'Twelve images',
    )
    const officerView = await online.view(lambeth.ref, allocatedOfficer)
    expect([officerView.case.materialCategory, officerView.case.materialDescription]).toEqual([
      'category_a',
      null,
    ])
    // The queue lists only what the reader may see.
    const shown = (await online.queue(sameTeam, {}, { query: 'test' })).items.map((i) => i.ref)
    expect(shown).not.toContain(lambeth.ref)
    const own = (await online.queue(allocatedOfficer, {}, { query: 'test' })).items.map((i) => i.ref)
    expect(own).toContain(lambeth.ref)
    expect(own).not.toContain(untraced.ref)
  })
})

describe('the queue at a past date', () => {
  it('counts each open case in the stage it was in then, with its age in that stage', async () => {
    const { online } = fx.kestrel.services
    const asOf = new Date('2018-08-25T12:00:00Z')
    const before = await online.queue(fx.specialist, { asOf }, { query: 'test' })
    const a = await fx.onlineCase('2018-08-10T12:00:00Z')
    const b = await fx.onlineCase('2018-08-11T12:00:00Z')
    await fx.stage(a.ref, { stage: 'awaiting_research', at: '2018-08-15T12:00:00Z' })
    await fx.stage(a.ref, { stage: 'awaiting_communications_data', at: '2018-08-30T12:00:00Z' })
    await fx.stage(b.ref, { stage: 'awaiting_research', at: '2018-08-20T12:00:00Z' })
    await fx.stage(b.ref, { stage: 'closed', at: '2018-08-24T12:00:00Z' })
    const after = await online.queue(fx.specialist, { asOf }, { query: 'test' })
    // On 25 August a was awaiting research (ten days: its request for data came later); b was closed.
    expect(after.counts.awaiting_research - before.counts.awaiting_research).toBe(1)
    expect(after.counts.awaiting_communications_data).toBe(before.counts.awaiting_communications_data)
    expect(after.total - before.total).toBe(1)
    const item = after.items.find((i) => i.ref === a.ref)
    expect([item?.stage, (item?.msInStage ?? 0) / 86_400_000]).toEqual(['awaiting_research', 10])
    expect(after.items.some((i) => i.ref === b.ref)).toBe(false)
  })
})
