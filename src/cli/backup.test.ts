import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { pgliteTemplateFile, scratchPostgres, testDatabaseKind } from '../../test/database.ts'
import { accessLogService } from '../platform/access/access-log.ts'
import { systemClock } from '../platform/clock.ts'
import { tableCounts } from '../platform/db/backup.ts'
import { type DatabaseHandle, openPglite, openPostgres } from '../platform/db/database.ts'
import { main } from './main.ts'

/** Every row of every table, each table's rows in a fixed order: what "the same records" means. */
async function contents(handle: DatabaseHandle): Promise<Record<string, string[]>> {
  const all: Record<string, string[]> = {}
  for (const table of (await tableCounts(handle.db)).keys()) {
    const { rows } = await sql<{ row: string }>`
      select t::text as row from ${sql.table(table)} t order by t::text`.execute(handle.db)
    all[table] = rows.map((r) => r.row)
  }
  return all
}

/**
 * `kestrel backup` and `kestrel restore` on the suite's database: a seeded force (records, findings, the
 * access log its import wrote) backed up, restored into an empty database, and found the same there.
 */
describe(`kestrel backup and restore (${testDatabaseKind()})`, () => {
  const saved = { ...process.env }
  const postgres = testDatabaseKind() === 'postgres'
  let folder: string
  let file: string
  /** The environment that points the commands at the source database, or at the restore's target. */
  let source: NodeJS.ProcessEnv
  let target: NodeJS.ProcessEnv
  let openSource: () => Promise<DatabaseHandle>
  let openTarget: () => Promise<DatabaseHandle>
  const drops: (() => Promise<void>)[] = []

  beforeAll(async () => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'kestrel-backup-'))
    file = path.join(folder, postgres ? 'kestrel.dump' : 'kestrel.tar.gz')
    process.env.KESTREL_LOG_LEVEL = 'silent'
    if (postgres) {
      const from = await scratchPostgres('bk_from')
      const into = await scratchPostgres('bk_into', { empty: true })
      drops.push(from.drop, into.drop)
      source = { DATABASE_URL: from.url }
      target = { DATABASE_URL: into.url }
      openSource = () => openPostgres(from.url, 2)
      openTarget = () => openPostgres(into.url, 2)
    } else {
      const from = path.join(folder, 'source')
      const into = path.join(folder, 'restored')
      const seeded = await openPglite(from, new Blob([fs.readFileSync(pgliteTemplateFile)]))
      await seeded.close()
      source = { KESTREL_DATA_DIR: from, DATABASE_URL: undefined }
      target = { KESTREL_DATA_DIR: into, DATABASE_URL: undefined }
      openSource = () => openPglite(from)
      openTarget = () => openPglite(into)
    }
  }, 120_000)
  afterAll(async () => {
    process.env = saved
    for (const drop of drops) await drop()
    fs.rmSync(folder, { recursive: true, force: true })
  })

  async function run(env: NodeJS.ProcessEnv, ...argv: string[]) {
    for (const [key, value] of Object.entries(env)) {
      if (value === undefined) delete process.env[key]
      else process.env[key] = value
    }
    const out: string[] = []
    const log = vi.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line))
    const error = vi.spyOn(console, 'error').mockImplementation((line: string) => void out.push(line))
    try {
      return { code: await main(argv), out: out.join('\n') }
    } finally {
      log.mockRestore()
      error.mockRestore()
    }
  }

  async function snapshot(open: () => Promise<DatabaseHandle>) {
    const handle = await open()
    try {
      const log = await accessLogService(handle.db, systemClock).verify()
      return { contents: await contents(handle), log }
    } finally {
      await handle.close()
    }
  }

  it('restores into an empty database the same records, findings and an intact access log', async () => {
    const seeded = await run(source, 'seed', '--scale', '0.003', '--until', '2026-06-01')
    expect(seeded.code, seeded.out).toBe(0)
    const before = await snapshot(openSource)
    expect(before.log).toMatchObject({ ok: true })
    expect(before.log.rows).toBeGreaterThan(100)
    expect(before.contents.finding?.length).toBeGreaterThan(100)
    expect(before.contents.person?.length).toBeGreaterThan(10)

    const backedUp = await run(source, 'backup', file)
    expect(backedUp.code, backedUp.out).toBe(0)
    const rows = Object.values(before.contents).reduce((n, t) => n + t.length, 0)
    expect(backedUp.out).toContain(`${rows.toLocaleString('en-GB')} rows (`)
    expect(backedUp.out).toContain(`${before.contents.finding?.length.toLocaleString('en-GB')} findings`)

    const restored = await run(target, 'restore', file)
    expect(restored.code, restored.out).toBe(0)
    expect(restored.out).toContain(`${rows.toLocaleString('en-GB')} rows (`)
    expect(restored.out).toContain(`Access log verified: ${before.log.rows} entries, chain intact`)
    const after = await snapshot(openTarget)
    expect(after.log).toEqual(before.log)
    expect(Object.keys(after.contents)).toEqual(Object.keys(before.contents))
    for (const table of Object.keys(before.contents))
      expect(after.contents[table], table).toEqual(before.contents[table])

    // The restored database is Kestrel's as any other: the commands run on it.
    expect((await run(target, 'audit', 'verify')).code).toBe(0)
  }, 300_000)

  it('refuses a target that is not empty, and a backup file that exists', async () => {
    const again = await run(target, 'restore', file)
    expect(again.code).toBe(1)
    expect(again.out).toMatch(
      /^kestrel restore: The (embedded database folder|database) \S+ is not empty: a restore goes only into an empty/,
    )
    expect(again.out).toContain('--force')
    const over = await run(source, 'backup', file)
    expect(over).toEqual({
      code: 1,
      out: `kestrel backup: ${file} already exists: give the backup a new name (a backup is never overwritten)`,
    })
  }, 120_000)

  it('replaces a database that is not empty when forced', async () => {
    // A change the restore must undo.
    const handle = await openTarget()
    await sql`delete from finding`.execute(handle.db)
    await handle.close()
    const forced = await run(target, 'restore', file, '--force')
    expect(forced.code, forced.out).toBe(0)
    if (!postgres) {
      const aside = /Moved what was in the data folder aside to (\S+)/.exec(forced.out)?.[1] as string
      expect(fs.existsSync(path.join(aside, 'PG_VERSION'))).toBe(true)
    }
    const after = await snapshot(openTarget)
    const before = await snapshot(openSource)
    expect(after.contents.finding).toEqual(before.contents.finding)
    expect(after.log).toEqual(before.log)
  }, 300_000)

  it('names a file of the other database, or no backup at all', async () => {
    const other = path.join(folder, 'other')
    fs.writeFileSync(other, postgres ? Buffer.alloc(1024) : Buffer.from('PGDMP\u0001\u000e\u0000'))
    const wrong = await run(target, 'restore', other)
    expect(wrong.code).toBe(1)
    expect(wrong.out).toMatch(
      postgres ? /is not a Kestrel backup/ : /is a PostgreSQL backup .* set DATABASE_URL/,
    )
    expect((await run(target, 'restore', path.join(folder, 'none'))).out).toMatch(/does not exist/)
    expect((await run(target, 'restore')).code).toBe(2)
    expect((await run(target, 'backup', file, '--gzip')).code).toBe(2)
  })

  it.skipIf(postgres)('refuses to back up an embedded database another process has open', async () => {
    const held = await openSource()
    try {
      const refused = await run(source, 'backup', path.join(folder, 'while-open.tar.gz'))
      expect(refused.code).toBe(1)
      expect(refused.out).toMatch(/is already open in this process/)
      expect(fs.existsSync(path.join(folder, 'while-open.tar.gz'))).toBe(false)
    } finally {
      await held.close()
    }
  })
})
