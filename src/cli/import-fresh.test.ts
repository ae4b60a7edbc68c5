import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { testConfig } from '../../test/app.ts'
import { scratchPostgres, testDatabaseKind } from '../../test/database.ts'
import { openDatabase } from '../platform/db/database.ts'
import { importCommand } from './import.ts'
import { migrateCommand } from './migrate.ts'
import { seedCommand } from './seed.ts'

// An integrator's first day: `kestrel migrate` on a new database, then `kestrel import` of a batch whose
// lines name London boroughs. Only `serve` set the force up, so every borough was refused
// ('no borough named "Camden" in this force'); migrate and import now set it up as serve does.

const batch = [
  { kind: 'bcu', ref: 'CN', name: 'Central North' },
  { kind: 'borough', ref: 'Camden', bcu: 'CN' },
  { kind: 'ward', ref: 'Kilburn', borough: 'Camden' },
  { kind: 'team', ref: 'Camden CAIT', teamKind: 'cait', borough: 'Camden', capacity: 12 },
  {
    kind: 'staff',
    ref: 'MP100234',
    name: 'Sam Okafor',
    rank: 'constable',
    team: 'Camden CAIT',
    startDate: '2016-04-01',
    training: [{ course: 'abe_interviewing', completedOn: '2017-03-10' }],
  },
  {
    kind: 'person',
    ref: 'MERLIN-P-000123',
    familyName: 'Smith',
    dateOfBirth: '2009-04-17',
    address: { address: '12 Example Road', borough: 'Camden', from: '2016-09-01' },
  },
]

/** A new, empty database of this run's kind, and the settings the commands read. */
async function emptyDatabase() {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'kestrel-fresh-'))
  const file = path.join(folder, 'first.jsonl')
  fs.writeFileSync(file, batch.map((l) => JSON.stringify(l)).join('\n'))
  if (testDatabaseKind() === 'postgres') {
    const scratch = await scratchPostgres('fresh', { empty: true })
    return {
      file,
      config: () => testConfig({ DATABASE_URL: scratch.url }),
      async drop() {
        await scratch.drop()
        fs.rmSync(folder, { recursive: true, force: true })
      },
    }
  }
  const dataDir = path.join(folder, 'data')
  return {
    file,
    config: () => testConfig({ KESTREL_DATA_DIR: dataDir }),
    drop: async () => fs.rmSync(folder, { recursive: true, force: true }),
  }
}

/** Runs a command in this process: its exit code and what it printed. */
async function run(
  command: typeof migrateCommand,
  args: string[],
  config: () => ReturnType<typeof testConfig>,
) {
  const out: string[] = []
  const log = vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')))
  const error = vi.spyOn(console, 'error').mockImplementation((...a) => void out.push(a.join(' ')))
  try {
    return { code: await command.run(args, config), out: out.join('\n') }
  } finally {
    log.mockRestore()
    error.mockRestore()
  }
}

async function counts(config: () => ReturnType<typeof testConfig>) {
  const handle = await openDatabase(config())
  try {
    const n = async (table: 'force' | 'borough' | 'bcu' | 'staff' | 'person_address') =>
      Number(
        (
          await handle.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      )
    return {
      force: await n('force'),
      borough: await n('borough'),
      bcu: await n('bcu'),
      staff: await n('staff'),
      address: await n('person_address'),
    }
  } finally {
    await handle.close()
  }
}

const open: { drop(): Promise<void> }[] = []
afterEach(async () => {
  for (const d of open.splice(0)) await d.drop()
})

describe(`kestrel migrate and import on a new database (${testDatabaseKind()})`, () => {
  it('migrate sets the force up once, and the first import finds its boroughs', async () => {
    const db = await emptyDatabase()
    open.push(db)
    const migrated = await run(migrateCommand, [], db.config)
    expect(migrated.code).toBe(0)
    expect(migrated.out).toContain('Set up the force')
    expect(await counts(db.config)).toEqual({ force: 1, borough: 32, bcu: 12, staff: 0, address: 0 })
    // Again: nothing to apply and the force is left as it is.
    const again = await run(migrateCommand, [], db.config)
    expect(again.out).toContain('Schema is up to date.')
    expect(again.out).not.toContain('Set up the force')

    const imported = await run(importCommand, [db.file], db.config)
    expect(imported.out).toContain('Imported 6 line(s)')
    expect(imported.code).toBe(0)
    // The BCU and borough lines name the seeded ones: no second Camden, no second force.
    expect(await counts(db.config)).toEqual({ force: 1, borough: 32, bcu: 12, staff: 1, address: 1 })
  }, 180_000)

  it('import alone on a new database migrates and sets the force up first', async () => {
    const db = await emptyDatabase()
    open.push(db)
    const imported = await run(importCommand, [db.file], db.config)
    expect(imported.out).toContain('Imported 6 line(s)')
    expect(imported.code).toBe(0)
    expect(await counts(db.config)).toEqual({ force: 1, borough: 32, bcu: 12, staff: 1, address: 1 })
  }, 180_000)

  it('seed on a new database sets the force up first, as serve --demo does', async () => {
    const db = await emptyDatabase()
    open.push(db)
    const seeded = await run(seedCommand, ['--scale', '0.003', '--until', '2026-06-01'], db.config)
    expect(seeded.code, seeded.out).toBe(0)
    // The seed's own BCU and borough lines land on the force's: one force, London's 32 and 12.
    expect(await counts(db.config)).toMatchObject({ force: 1, borough: 32, bcu: 12 })
  }, 180_000)
})
