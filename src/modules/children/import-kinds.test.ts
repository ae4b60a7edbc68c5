import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabase } from '../../../test/database.ts'
import { accessLogService } from '../../platform/access/access-log.ts'
import { fixedClock } from '../../platform/clock.ts'
import type { DatabaseHandle } from '../../platform/db/database.ts'
import { historyService } from '../../platform/db/history.ts'
import { ImportRejected, importer } from '../../platform/import/importer.ts'
import type { ImportKind } from '../../platform/import/kinds.ts'
import { seedLondon } from '../organisation/london-seed.ts'
import { childrenImportKinds } from './import-kinds.ts'
import { childrenService } from './service.ts'

const clock = fixedClock('2018-08-01T09:00:00Z')
const jsonl = (...records: object[]) => records.map((r) => JSON.stringify(r)).join('\n')

describe('children import kinds (database)', () => {
  let handle: DatabaseHandle
  let run: ReturnType<typeof importer>['run']
  let children: ReturnType<typeof childrenService>

  beforeAll(async () => {
    handle = await testDatabase()
    await seedLondon(handle.db)
    run = importer(handle.db, clock, childrenImportKinds as ImportKind[]).run
    children = childrenService(handle.db, clock, {
      history: historyService(handle.db, clock),
      accessLog: accessLogService(handle.db, clock),
    })
  })
  afterAll(() => handle.close())

  const count = async (table: string) =>
    Number(
      (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(handle.db))
        .rows[0]?.n,
    )

  const amy = {
    kind: 'person',
    ref: 'P-1',
    familyName: 'Smith',
    givenNames: 'Amy',
    dateOfBirth: '2009-04-17',
    gender: 'female',
    ethnicity: 'W1',
    address: { address: '12 Example Road', postcode: 'n1 9aa', borough: 'Islington', from: '2016-09-01' },
  }

  it('imports people, households and flags, resolving refs within the batch, and re-import updates', async () => {
    // Migrations seed records with their history (the recommendations tracker's), so count from here.
    const historyBefore = await count('change_history')
    const outcome = await run(
      jsonl(
        {
          kind: 'person-flag',
          ref: 'F-1',
          person: 'P-1',
          flag: 'child_protection_plan',
          detail: 'neglect',
          from: '2017-03-01',
        },
        amy,
        { kind: 'person', ref: 'P-2', familyName: 'Smith', givenNames: 'Ben', estimatedAge: 6 },
        { kind: 'person', ref: 'P-3', familyName: 'Smith', givenNames: 'Carol', dateOfBirth: '1980-01-01' },
        {
          kind: 'household-membership',
          ref: 'HM-1',
          household: 'H-1',
          person: 'P-1',
          role: 'child',
          from: '2016-09-01',
        },
        {
          kind: 'household-membership',
          ref: 'HM-2',
          household: 'H-1',
          person: 'P-2',
          role: 'child',
          from: '2016-09-01',
        },
        {
          kind: 'household-membership',
          ref: 'HM-3',
          household: 'H-1',
          person: 'P-3',
          role: 'parent',
          from: '2016-09-01',
        },
      ),
      'importer',
    )
    expect(outcome.written).toEqual({ person: 3, 'household-membership': 3, 'person-flag': 1 })
    const p1 = await children.get('P-1')
    expect((await children.flagsOn(p1.id)).map((f) => [f.flag, f.detail])).toEqual([
      ['child_protection_plan', 'neglect'],
    ])
    expect((await children.addresses(p1.id)).map((a) => [a.postcode, a.boroughName])).toEqual([
      ['N1 9AA', 'Islington'],
    ])
    expect(
      (await children.otherChildrenInHousehold([p1.id], '2018-08-01')).get(p1.id)?.map((p) => p.givenNames),
    ).toEqual(['Ben'])
    expect(await count('household')).toBe(1)
    const historyRows = await count('change_history')
    expect(historyRows - historyBefore).toBe(3 + 1 + 1 + 3 + 1) // people, address, household, memberships, flag

    // The same batch again changes nothing; a changed line updates its record and adds one history row.
    await run(jsonl(amy), 'importer')
    expect(await count('change_history')).toBe(historyRows)
    await run(
      jsonl({
        ...amy,
        givenNames: 'Amy Louise',
        address: { ...amy.address, address: '3 New Street', from: '2018-05-01' },
      }),
      'importer',
    )
    expect((await children.get('P-1')).givenNames).toBe('Amy Louise')
    expect((await children.get('P-1')).version).toBe(2)
    expect((await children.addresses(p1.id)).map((a) => [a.address, a.toDate])).toEqual([
      ['3 New Street', null],
      ['12 Example Road', '2018-04-30'],
    ])
    const log = await accessLogService(handle.db, clock).forSubject('person', p1.id)
    expect(log.some((e) => e.action === 'import')).toBe(true)
  })

  const rejections: [string, string, { line: number; field: string; reason: RegExp }][] = [
    [
      'a borough that does not exist',
      jsonl({ ...amy, ref: 'P-9' }, { ...amy, ref: 'P-10', address: { ...amy.address, borough: 'Gotham' } }),
      { line: 2, field: 'address.borough', reason: /no borough named "Gotham"/ },
    ],
    [
      'a date of birth in the future',
      jsonl({ ...amy, ref: 'P-9' }, { ...amy, ref: 'P-10', dateOfBirth: '2018-08-02' }),
      { line: 2, field: 'dateOfBirth', reason: /future/ },
    ],
    [
      'a person with neither date of birth nor estimated age',
      jsonl({ kind: 'person', ref: 'P-11', familyName: 'X' }),
      { line: 1, field: 'dateOfBirth', reason: /dateOfBirth or estimatedAge/ },
    ],
    [
      'a gender outside the list',
      jsonl({ ...amy, ref: 'P-12', gender: 'F' }),
      { line: 1, field: 'gender', reason: /must be one of/ },
    ],
    [
      'a flag for an unknown person',
      jsonl({ kind: 'person-flag', ref: 'F-9', person: 'P-404', flag: 'cse_risk', from: '2017-01-01' }),
      { line: 1, field: 'person', reason: /no person with ref "P-404"/ },
    ],
    [
      'a child protection plan with an unknown category',
      jsonl({
        kind: 'person-flag',
        ref: 'F-9',
        person: 'P-1',
        flag: 'child_protection_plan',
        detail: 'bad luck',
        from: '2017-01-01',
      }),
      { line: 1, field: 'detail', reason: /category/ },
    ],
    [
      'a membership that ends before it starts',
      jsonl({
        kind: 'household-membership',
        ref: 'HM-9',
        household: 'H-9',
        person: 'P-1',
        role: 'child',
        from: '2017-01-01',
        to: '2016-01-01',
      }),
      { line: 1, field: 'to', reason: /on or after from/ },
    ],
    [
      'a membership with an unknown role',
      jsonl({
        kind: 'household-membership',
        ref: 'HM-9',
        household: 'H-9',
        person: 'P-1',
        role: 'aunt',
        from: '2017-01-01',
      }),
      { line: 1, field: 'role', reason: /must be one of/ },
    ],
  ]

  it.each(rejections)('rejects %s with its line number and writes nothing', async (_name, text, expected) => {
    const people = await count('person')
    const history = await count('change_history')
    const error = await run(text, 'importer').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ImportRejected)
    const first = (error as ImportRejected).errors[0]
    expect(first).toMatchObject({ line: expected.line, field: expected.field })
    expect(first?.reason).toMatch(expected.reason)
    expect(await count('person')).toBe(people)
    expect(await count('change_history')).toBe(history)
  })
})
