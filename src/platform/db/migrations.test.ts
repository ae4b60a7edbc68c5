import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { postgresAdminUrl, testDatabaseKind } from '../../../test/database.ts'
import { migrations } from '../../modules.ts'
import { type DatabaseHandle, openPglite, openPostgres } from './database.ts'
import { migrateToLatest } from './migrator.ts'

async function emptyDatabase(): Promise<DatabaseHandle & { drop(): Promise<void> }> {
  if (testDatabaseKind() === 'pglite') {
    const handle = await openPglite(undefined)
    return { ...handle, drop: () => handle.close() }
  }
  const name = `kestrel_empty_${Math.random().toString(36).slice(2, 10)}`
  const admin = await openPostgres(postgresAdminUrl(), 1)
  await sql.raw(`create database ${name}`).execute(admin.db)
  const url = new URL(postgresAdminUrl())
  url.pathname = `/${name}`
  const handle = await openPostgres(url.toString(), 2)
  return {
    ...handle,
    async drop() {
      await handle.close()
      await sql.raw(`drop database ${name} with (force)`).execute(admin.db)
      await admin.close()
    },
  }
}

// Migrating from empty is what this test is for, so it cannot be made shorter: every migration runs, on
// PGlite in one WebAssembly thread. On a 2-core machine running other test files (load average 40) it took
// 46 s there and failed at the 30 s default (13 s on PostgreSQL). The limit is the work's, not a hang's.
const migratingFromEmpty = 120_000

describe(`migrations on an empty ${testDatabaseKind()} database`, () => {
  it('apply every migration in order, and a second run applies nothing', {
    timeout: migratingFromEmpty,
  }, async () => {
    const handle = await emptyDatabase()
    try {
      const first = await migrateToLatest(handle.db, migrations)
      expect(first.applied).toEqual(migrations.map((m) => m.name))
      expect([...first.applied].sort()).toEqual(first.applied)
      const second = await migrateToLatest(handle.db, migrations)
      expect(second.applied).toEqual([])
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from information_schema.tables where table_schema = 'public'`.execute(
        handle.db,
      )
      expect(rows[0]?.n).toBeGreaterThan(10)
    } finally {
      await handle.drop()
    }
  })
})
