import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ImportRejected } from '../../platform/import/importer.ts'
import { movableClock, onlineFixture } from './test-fixtures.ts'

type Fixture = Awaited<ReturnType<typeof onlineFixture>>
let fx: Fixture
const clock = movableClock('2018-09-01T12:00:00Z')

beforeAll(async () => {
  fx = await onlineFixture(clock)
})
afterAll(() => fx?.kestrel.close())

const batch = (...lines: object[]) => lines.map((l) => JSON.stringify(l)).join('\n')
const count = async (table: 'online_case' | 'online_case_stage' | 'online_kirat' | 'online_case_child') =>
  Number(
    (
      await fx.kestrel.services.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  )

describe('importing online cases', () => {
  it('a case with its nested timeline, its KIRAT assessment and a child identified, in any order', async () => {
    const suspect = await fx.person('1979-04-01')
    const child = await fx.person('2011-02-01')
    const caseLine = {
      kind: 'online-case',
      ref: 'onl-imp-1',
      source: 'bellona',
      receivedAt: '2017-08-14T09:00:00Z',
      materialCategory: 'category_b',
      materialDescription: 'Images shared in a chat group',
      suspect: suspect.ref,
      borough: 'Lambeth',
      identifiers: [{ kind: 'ip_address', value: '192.0.2.44', seenAt: '2017-08-01T21:00:00Z' }],
      stages: [
        { stage: 'awaiting_research', at: '2017-08-15T09:00:00Z' },
        {
          stage: 'awaiting_communications_data',
          at: '2018-05-02T10:00:00Z',
          returnedAt: '2018-05-09T10:00:00Z',
        },
        { stage: 'address_confirmed', at: '2018-05-10T10:00:00Z' },
        { stage: 'allocated', at: '2018-05-11T10:00:00Z', team: 'Lambeth response', officer: 'R1001' },
      ],
    }
    await fx.kestrel.services.imports.run(
      batch(
        {
          kind: 'online-kirat',
          ref: 'KIRAT-IMP-1',
          case: 'ONL-IMP-1',
          assessedAt: '2018-05-10T12:00:00Z',
          level: 'high',
          answers: [{ question: 'Access to children?', answer: 'Yes' }],
          assessor: 'DC Example',
        },
        {
          kind: 'online-household-child',
          ref: 'ONLC-IMP-1',
          case: 'onl-imp-1',
          person: child.ref,
          identifiedAt: '2018-05-10T11:00:00Z',
        },
        caseLine,
      ),
      'tester',
    )
    const view = await fx.kestrel.services.online.view('ONL-IMP-1', fx.specialist)
    expect(view.timeline.map((t) => t.stage)).toEqual([
      'received',
      'awaiting_research',
      'awaiting_communications_data',
      'address_confirmed',
      'allocated',
    ])
    expect([
      view.case.stage,
      view.case.allocatedTeamKind,
      view.kirat[0]?.level,
      view.children.length,
    ]).toEqual(['allocated', 'frontline', 'high', 1])
    // The import ran the rules: a high case with a frontline officer, a child with no referral.
    const statuses = (await fx.kestrel.services.standards.findingsForSubject('online-case', view.case.id))
      .map((f) => `${f.ruleId} ${f.status}`)
      .sort()
    expect(statuses).toEqual(
      ['ONL-01 breached', 'ONL-02 met', 'ONL-02 met_late', 'ONL-02 breached', 'ONL-03 breached'].sort(),
    )
    // Imported again, the case's timeline is replaced, not added to.
    const stages = await count('online_case_stage')
    await fx.kestrel.services.imports.run(batch(caseLine), 'tester')
    expect(await count('online_case_stage')).toBe(stages)
  })

  it('a batch with a stage out of order is rejected whole, naming the line and the field', async () => {
    const before = await Promise.all([
      count('online_case'),
      count('online_case_stage'),
      count('online_kirat'),
    ])
    const good = {
      kind: 'online-case',
      ref: 'ONL-IMP-GOOD',
      source: 'public_report',
      receivedAt: '2018-06-01T09:00:00Z',
      materialCategory: 'grooming',
      materialDescription: 'Messages to a 13-year-old',
    }
    const error = await fx.kestrel.services.imports
      .run(
        batch(good, {
          ...good,
          ref: 'ONL-IMP-BAD',
          stages: [
            { stage: 'awaiting_research', at: '2018-06-02T09:00:00Z' },
            { stage: 'warrant_executed', at: '2018-06-03T06:00:00Z' },
          ],
        }),
        'tester',
      )
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ImportRejected)
    expect((error as ImportRejected).errors).toEqual([
      {
        line: 2,
        field: 'stages.1.stage',
        reason: 'a warrant cannot be executed before the address is confirmed',
      },
    ])
    expect(
      await Promise.all([count('online_case'), count('online_case_stage'), count('online_kirat')]),
    ).toEqual(before)
  })

  it('a KIRAT level outside the scale and an adult identified as a child name their lines', async () => {
    const adult = await fx.person('1990-01-01')
    const error = await fx.kestrel.services.imports
      .run(
        batch(
          {
            kind: 'online-kirat',
            ref: 'KIRAT-IMP-2',
            case: 'ONL-IMP-1',
            assessedAt: '2018-05-10T12:00:00Z',
            level: 'severe',
            answers: [{ question: 'Access to children?', answer: 'Yes' }],
            assessor: 'DC Example',
          },
          {
            kind: 'online-household-child',
            ref: 'ONLC-IMP-2',
            case: 'ONL-IMP-1',
            person: adult.ref,
            identifiedAt: '2018-05-10T11:00:00Z',
          },
        ),
        'tester',
      )
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ImportRejected)
    expect((error as ImportRejected).errors.map((e) => [e.line, e.field])).toEqual([[1, 'level']])
    const second = await fx.kestrel.services.imports
      .run(
        batch({
          kind: 'online-household-child',
          ref: 'ONLC-IMP-2',
          case: 'ONL-IMP-1',
          person: adult.ref,
          identifiedAt: '2018-05-10T11:00:00Z',
        }),
        'tester',
      )
      .catch((e: unknown) => e)
    expect((second as ImportRejected).errors).toEqual([
      { line: 1, field: 'person', reason: `${adult.ref} was an adult (28) on 2018-05-10, not a child` },
    ])
  })
})
