import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { missingFixture, movableClock, principal } from './test-fixtures.ts'

type Fixture = Awaited<ReturnType<typeof missingFixture>>
let f: Fixture
const clock = movableClock('2018-08-02T12:00:00Z')
const unit = 'Lambeth missing persons unit'
const jsonl = (lines: Record<string, unknown>[]) => lines.map((l) => JSON.stringify(l)).join('\n')
const duty = (ref: string, from: string, staffOnDuty: number, extra: Record<string, unknown> = {}) => ({
  kind: 'missing-unit-duty',
  ref,
  unit,
  from,
  staffOnDuty,
  ...extra,
})

beforeAll(async () => {
  f = await missingFixture(clock)
  await f.kestrel.services.organisation.createTeam(
    f.force.id,
    {
      name: 'Lambeth MASH',
      kind: 'mash',
      boroughId: f.boroughId('Lambeth'),
      bcuId: null,
      capacity: null,
      reviewCadenceDays: null,
      active: true,
    },
    'test',
  )
}, 120_000)
afterAll(async () => {
  await f?.kestrel.close()
})

const dutyRows = () =>
  f.kestrel.services.db.selectFrom('missing_unit_duty').selectAll().orderBy('on_duty_from').execute()

describe('missing-unit-duty import', () => {
  it('records a unit’s staff on duty; the latest entry counts in the unit view and a ref again updates it', async () => {
    const { imports, missing } = f.kestrel.services
    const outcome = await imports.run(
      jsonl([
        duty('D-1', '2018-08-01T07:00:00Z', 3, { names: 'DS One, DC Two, PC Three' }),
        duty('D-2', '2018-08-02T07:00:00Z', 1),
      ]),
      'importer',
    )
    expect(outcome.written['missing-unit-duty']).toBe(2)
    let view = await missing.unitView(principal())
    expect(view.units.find((u) => u.name === unit)).toMatchObject({ staffOnDuty: 1 })
    view = await missing.unitView(principal(), { asOf: new Date('2018-08-01T12:00:00Z') })
    expect(view.units.find((u) => u.name === unit)).toMatchObject({
      staffOnDuty: 3,
      names: 'DS One, DC Two, PC Three',
    })

    await imports.run(jsonl([duty('D-2', '2018-08-02T07:00:00Z', 2)]), 'importer')
    const rows = await dutyRows()
    expect(rows.map((r) => [r.ref, r.staff_on_duty, r.version])).toEqual([
      ['D-1', 3, 1],
      ['D-2', 2, 2],
    ])
    const history = await f.kestrel.services.history.historyFor('missing_unit_duty', rows[1]?.id as string)
    expect(history.map((h) => h.action)).toEqual(['create', 'update'])
  })

  it.each([
    [{ unit: 'Lambeth MASH' }, 'unit', /not a missing persons unit/],
    [{ unit: 'Nowhere missing persons unit' }, 'unit', /./],
    [{ from: '2018-08-03T07:00:00Z' }, 'from', /in the future/],
    [{ staffOnDuty: -1 }, 'staffOnDuty', /negative/],
    [{ staffOnDuty: 2.5 }, 'staffOnDuty', /whole number/],
  ])('refuses %j naming the field, writing nothing', async (change, field, reason) => {
    const before = (await dutyRows()).length
    const error = await f.kestrel.services.imports
      .run(
        jsonl([
          duty('D-OK', '2018-08-02T08:00:00Z', 3),
          { ...duty('D-BAD', '2018-08-02T09:00:00Z', 3), ...change },
        ]),
        'importer',
      )
      .then(
        () => ({ errors: [] }),
        (e: unknown) => e as { errors: { line: number; field?: string; reason: string }[] },
      )
    expect(error.errors?.[0]).toMatchObject({ line: 2, field })
    expect(error.errors?.[0]?.reason).toMatch(reason)
    expect((await dutyRows()).length).toBe(before)
  })
})
