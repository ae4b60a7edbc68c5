import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestKestrel, testKestrel } from '../../../test/app.ts'
import { ImportRejected } from '../../platform/import/importer.ts'
import { runSeed } from '../../platform/seed/seeder.ts'
import { organisationSeed } from './seed.ts'

describe('organisation import kinds and demo organisation', () => {
  let kestrel: TestKestrel
  beforeAll(async () => {
    kestrel = await testKestrel()
  })
  afterAll(() => kestrel.close())

  const jsonl = (...records: object[]) => records.map((r) => JSON.stringify(r)).join('\n')

  it('imports BCUs, boroughs, teams and staff with training, and updates them by ref', async () => {
    const { imports, db } = kestrel.services
    await imports.run(
      jsonl(
        {
          kind: 'staff',
          ref: 'T1001',
          name: 'Ann Lee',
          rank: 'sergeant',
          team: 'Testshire CAIT',
          startDate: '2015-01-01',
          training: [{ course: 'abe_interviewing', completedOn: '2016-02-02' }],
        },
        { kind: 'team', ref: 'Testshire CAIT', teamKind: 'cait', borough: 'Testshire', capacity: 12 },
        { kind: 'borough', ref: 'Testshire', bcu: 'TS', bcuFrom: '2019-02-01' },
        { kind: 'bcu', ref: 'TS', name: 'Test Area' },
      ),
      'tester',
    )
    const staff = await db
      .selectFrom('staff')
      .innerJoin('team', 'team.id', 'staff.team_id')
      .select(['staff.name', 'team.name as team'])
      .where('staff_number', '=', 'T1001')
      .executeTakeFirstOrThrow()
    expect(staff).toEqual({ name: 'Ann Lee', team: 'Testshire CAIT' })
    await imports.run(
      jsonl({
        kind: 'staff',
        ref: 'T1001',
        name: 'Ann Lee-Smith',
        rank: 'inspector',
        team: 'Testshire CAIT',
        startDate: '2015-01-01',
        training: [],
      }),
      'tester',
    )
    const updated = await db
      .selectFrom('staff')
      .select(['name', 'rank', 'version', 'id'])
      .where('staff_number', '=', 'T1001')
      .executeTakeFirstOrThrow()
    expect(updated).toMatchObject({ name: 'Ann Lee-Smith', rank: 'inspector', version: 2 })
    expect(
      await db.selectFrom('training_record').select('id').where('staff_id', '=', updated.id).execute(),
    ).toEqual([])
    const history = await db
      .selectFrom('change_history')
      .select('action')
      .where('record_id', '=', updated.id)
      .orderBy('id')
      .execute()
    expect(history.map((h) => h.action)).toEqual(['create', 'update'])
  })

  it('imports wards and the neighbourhood teams that serve them; a ward of another borough is refused', async () => {
    const { imports, db } = kestrel.services
    await imports.run(
      jsonl(
        {
          kind: 'team',
          ref: 'Wardshire Hill SNT',
          teamKind: 'neighbourhood',
          borough: 'Wardshire',
          ward: 'Hill',
        },
        { kind: 'ward', ref: 'Hill', borough: 'Wardshire' },
        { kind: 'borough', ref: 'Wardshire' },
        { kind: 'borough', ref: 'Othershire' },
      ),
      'tester',
    )
    const team = await db
      .selectFrom('team')
      .innerJoin('ward', 'ward.id', 'team.ward_id')
      .select(['team.kind', 'ward.name as ward'])
      .where('team.name', '=', 'Wardshire Hill SNT')
      .executeTakeFirstOrThrow()
    expect(team).toEqual({ kind: 'neighbourhood', ward: 'Hill' })
    const elsewhere = await imports
      .run(
        jsonl({
          kind: 'team',
          ref: 'Othershire SNT',
          teamKind: 'neighbourhood',
          borough: 'Othershire',
          ward: 'Hill',
        }),
        't',
      )
      .catch((e: unknown) => e)
    expect((elsewhere as ImportRejected).errors).toEqual([
      { line: 1, field: 'ward', reason: 'Hill is not a ward of Othershire' },
    ])
    const sameName = await imports
      .run(jsonl({ kind: 'ward', ref: 'Hill', borough: 'Othershire' }), 't')
      .catch((e: unknown) => e)
    expect((sameName as ImportRejected).errors[0]).toMatchObject({ line: 1, field: 'ref' })
    expect(await db.selectFrom('ward').select('name').execute()).toEqual([{ name: 'Hill' }])
  })

  it('rejects a team in an unknown borough and a badly formed staff number, naming the line', async () => {
    const { imports } = kestrel.services
    const unknownBorough = await imports
      .run(jsonl({ kind: 'team', ref: 'Nowhere CAIT', teamKind: 'cait', borough: 'Atlantis' }), 't')
      .catch((e: unknown) => e)
    expect((unknownBorough as ImportRejected).errors[0]).toMatchObject({ line: 1, field: 'borough' })
    const badRef = await imports
      .run(
        jsonl({
          kind: 'staff',
          ref: 'no spaces please',
          name: 'X',
          rank: 'constable',
          startDate: '2020-01-01',
        }),
        't',
      )
      .catch((e: unknown) => e)
    expect(badRef).toBeInstanceOf(ImportRejected)
    expect((badRef as ImportRejected).errors[0]).toMatchObject({ line: 1, field: 'ref' })
    // A course not yet done, as the training page refuses it; nothing is written.
    const ahead = await imports
      .run(
        jsonl({
          kind: 'staff',
          ref: 'AHEAD1',
          name: 'Not Yet',
          rank: 'constable',
          startDate: '2020-01-01',
          training: [{ course: 'abe_interviewing', completedOn: '2999-01-01' }],
        }),
        't',
      )
      .catch((e: unknown) => e)
    expect((ahead as ImportRejected).errors).toEqual([
      { line: 1, field: 'training.0.completedOn', reason: 'must not be in the future' },
    ])
    const written = await kestrel.services.db
      .selectFrom('staff')
      .select('id')
      .where('staff_number', '=', 'AHEAD1')
      .execute()
    expect(written).toEqual([])
  })

  it('generates the same demo organisation for the same seed, through the import path', async () => {
    const first = [
      ...organisationSeed.generate({
        scale: 0.1,
        random: (await import('../../platform/seed/random.ts')).seededRandom(5).fork('organisation'),
        until: new Date('2026-01-01'),
        from: new Date('2025-01-01'),
        shared: new Map(),
      }),
    ]
    const second = [
      ...organisationSeed.generate({
        scale: 0.1,
        random: (await import('../../platform/seed/random.ts')).seededRandom(5).fork('organisation'),
        until: new Date('2026-01-01'),
        from: new Date('2025-01-01'),
        shared: new Map(),
      }),
    ]
    expect(second).toEqual(first)
    const outcome = await runSeed(kestrel.services.imports, [organisationSeed], {
      scale: 0.1,
      seed: 5,
      until: new Date('2026-01-01'),
    })
    expect(outcome.byGenerator.organisation).toBe(first.length)
    const teams = await kestrel.services.db
      .selectFrom('team')
      .select('kind')
      .where('name', 'like', 'Central West%')
      .execute()
    expect(new Set(teams.map((t) => t.kind))).toContain('cait')
  })
})
