import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { forceWideReach, reachOf } from '../../platform/access/need-to-know.ts'
import { ValidationError } from '../../platform/http/errors.ts'
import { riskChangeInput } from './service/inputs.ts'
import { keeper, movableClock, offendersFixture } from './test-fixtures.ts'

type Fixture = Awaited<ReturnType<typeof offendersFixture>>
let fx: Fixture
const clock = movableClock('2019-06-15T12:00:00Z')

beforeAll(async () => {
  fx = await offendersFixture(clock)
})
afterAll(() => fx?.kestrel.close())

/** Rows in every RSO table: a refused write must change none of them. */
async function counts() {
  const { db } = fx.kestrel.services
  const tables = [
    'rso',
    'rso_address',
    'rso_allocation',
    'rso_arms',
    'rso_plan',
    'rso_visit',
    'rso_notification',
    'deportee_arrival',
    'change_history',
  ] as const
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

describe('bad input about RSOs: a clear error naming the field, nothing written', () => {
  it('a visit before the RSO’s notification began', async () => {
    const r = await fx.rso('2018-01-10')
    const errors = await refused(() =>
      fx.kestrel.services.offenders.recordVisit(
        {
          rso: r.ref,
          visitedAt: new Date('2018-01-09T10:00:00Z'),
          announced: true,
          officers: 'DC A',
          childrenPresent: false,
        },
        keeper,
        forceWideReach,
      ),
    )
    expect(errors).toEqual([
      { field: 'visitedAt', reason: `A visit must not be before ${r.ref}’s notification began (2018-01-10)` },
    ])
  })

  it('an ARMS dated in the future', async () => {
    const r = await fx.rso('2018-01-10')
    const errors = await refused(() =>
      fx.kestrel.services.offenders.recordArms(
        { rso: r.ref, assessedOn: '2019-06-16', assessor: 'DC A', priority: 'low', keyFactors: 'None' },
        keeper,
        forceWideReach,
      ),
    )
    expect(errors).toEqual([{ field: 'assessedOn', reason: 'must not be in the future' }])
  })

  it('a plan for a person who is not an RSO', async () => {
    const person = await fx.person()
    const plan = {
      rso: person.ref,
      agreedAt: '2019-06-01T10:00:00Z',
      author: 'DC A',
      riskLevel: 'low',
      actions: [{ action: 'Visit', owner: 'DC A', due: '2019-07-01' }],
    }
    // Imported: the line and the field are named, and nothing is written.
    const before = await counts()
    const rejected = await fx.kestrel.services.imports
      .run(JSON.stringify({ kind: 'rso-plan', ref: 'RMP-T-1', ...plan }), 'tester')
      .catch((e: unknown) => e)
    expect((rejected as { errors: unknown[] }).errors).toEqual([
      { line: 1, field: 'rso', reason: expect.stringContaining(person.ref) },
    ])
    expect(await counts()).toEqual(before)
    // Through a page or the API, an RSO that does not exist is answered as one out of reach: not found.
    await expect(
      fx.kestrel.services.offenders.agreePlan(
        { ...plan, agreedAt: new Date(plan.agreedAt), riskLevel: 'low' },
        keeper,
        forceWideReach,
      ),
    ).rejects.toMatchObject({ statusCode: 404, message: 'There is no such RSO' })
    expect(await counts()).toEqual(before)
  })

  it('a risk level outside the scale', () => {
    const parsed = riskChangeInput.safeParse({
      rso: 'RSO-000001',
      changedAt: '2019-06-01T10:00:00Z',
      toLevel: 'extreme',
      reason: 'x',
    })
    expect(parsed.success).toBe(false)
    expect(parsed.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['toLevel', 'must be one of low, medium, high, very_high'],
    ])
  })

  it('an RSO allocated to a member of staff who is not in an offender management team', async () => {
    const r = await fx.rso('2018-01-10')
    const errors = await refused(() =>
      fx.kestrel.services.offenders.allocate(
        { rso: r.ref, manager: 'R1001', at: new Date('2019-06-01T10:00:00Z'), reason: 'Moved' },
        keeper,
        forceWideReach,
      ),
    )
    expect(errors).toEqual([
      { field: 'manager', reason: 'DC R1001 (R1001) is not in an offender management (Jigsaw) team' },
    ])
    const person = await fx.person()
    const onRegistering = await refused(() => fx.rso('2018-01-10', { person: person.ref, manager: 'R1001' }))
    expect(onRegistering.map((e) => e.field)).toEqual(['manager'])
  })

  it('a second RSO record for one person', async () => {
    const r = await fx.rso('2018-01-10')
    const held = await fx.kestrel.services.db
      .selectFrom('person')
      .select('ref')
      .where('id', '=', r.person_id)
      .executeTakeFirstOrThrow()
    const errors = await refused(() => fx.rso('2018-01-10', { person: held.ref }))
    expect(errors).toEqual([{ field: 'person', reason: `${held.ref} is already registered as ${r.ref}` }])
  })
})

describe('need to know', () => {
  it('an RSO outside the keeper’s reach is not found, and nothing is written', async () => {
    const r = await fx.rso('2018-01-10')
    const elsewhere = reachOf({
      id: 'someone',
      staffId: null,
      area: {
        forceWide: false,
        bcuId: null,
        boroughId: null,
        boroughIds: [fx.boroughId('Camden')],
        teamIds: [],
      },
    })
    const before = await counts()
    await expect(
      fx.kestrel.services.offenders.recordArms(
        { rso: r.ref, assessedOn: '2019-06-01', assessor: 'DC A', priority: 'low', keyFactors: 'None' },
        keeper,
        elsewhere,
      ),
    ).rejects.toMatchObject({ statusCode: 404 })
    expect(await counts()).toEqual(before)
  })
})

describe('deportee arrivals', () => {
  const arrival = {
    name: 'John Example',
    country: 'Thailand',
    flight: 'TG910',
    expectedAt: '2019-06-14T06:35:00Z',
    borough: 'Lambeth',
    officers: 'DC J1001',
  }
  it('records a notified arrival and the notification order obtained on the day', async () => {
    const { imports, db } = fx.kestrel.services
    await imports.run(
      JSON.stringify({
        kind: 'deportee-arrival',
        ref: 'ARR-T-1',
        ...arrival,
        metAt: '2019-06-14T07:20:00Z',
        orderAppliedAt: '2019-06-14T10:00:00Z',
        orderResult: 'granted',
        orderResultAt: '2019-06-14T15:30:00Z',
      }),
      'tester',
    )
    const row = await db
      .selectFrom('deportee_arrival')
      .selectAll()
      .where('ref', '=', 'ARR-T-1')
      .executeTakeFirstOrThrow()
    expect(row).toMatchObject({ flight: 'TG910', order_result: 'granted', recorded_by: 'tester' })
  })
  it('refuses a result before the application, or a result with no application, naming the line and field', async () => {
    const { imports } = fx.kestrel.services
    const before = await counts()
    const rejected = await imports
      .run(
        [
          JSON.stringify({
            kind: 'deportee-arrival',
            ref: 'ARR-T-2',
            ...arrival,
            orderResult: 'refused',
            orderResultAt: '2019-06-14T15:30:00Z',
          }),
          JSON.stringify({
            kind: 'deportee-arrival',
            ref: 'ARR-T-3',
            ...arrival,
            orderAppliedAt: '2019-06-14T16:00:00Z',
            orderResult: 'granted',
            orderResultAt: '2019-06-14T15:30:00Z',
          }),
        ].join('\n'),
        'tester',
      )
      .catch((e: unknown) => e)
    expect((rejected as { errors: unknown[] }).errors).toEqual([
      { line: 1, field: 'orderResult', reason: 'give when the notification order was applied for first' },
      { line: 2, field: 'orderResultAt', reason: 'must not be before the order was applied for' },
    ])
    expect(await counts()).toEqual(before)
  })
})
