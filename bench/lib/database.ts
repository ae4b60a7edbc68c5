import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { sql } from 'kysely'
import pg from 'pg'
import { setUpForce } from '../../src/force-setup.ts'
import { migrations } from '../../src/modules.ts'
import { type DatabaseHandle, openPglite, openPostgres } from '../../src/platform/db/database.ts'
import { migrateToLatest } from '../../src/platform/db/migrator.ts'

export interface BenchDatabase {
  handle: DatabaseHandle
  kind: 'pglite' | 'postgres'
  /** "PostgreSQL 15.20" or "PGlite 0.5.17 (PostgreSQL 17.x)". */
  version: string
  /** The database's URL on PostgreSQL (for a server process to share it). */
  url?: string
  name?: string
  drop(): Promise<void>
}

async function admin<T>(adminUrl: string, f: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    return await f(client)
  } finally {
    await client.end()
  }
}

/**
 * A fresh, migrated database for one run: on PostgreSQL kestrel_bench_<random> on the server in adminUrl,
 * dropped afterwards unless kept (or a kept one reused, already imported); otherwise an embedded database in memory. Set up as a force's first start sets it up
 * (the organisation, the reports' recommendations, the training matrix), so the demo's lines import as
 * `kestrel seed` imports them.
 */
export async function freshDatabase(
  kind: 'pglite' | 'postgres',
  adminUrl?: string,
  options: { keep?: boolean; reuse?: string } = {},
): Promise<BenchDatabase> {
  if (kind === 'postgres') {
    if (!adminUrl) throw new Error('--db postgres needs DATABASE_URL')
    const name = options.reuse ?? `kestrel_bench_${randomBytes(4).toString('hex')}`
    if (!/^kestrel_bench_[0-9a-f]{8}$/.test(name))
      throw new Error(`--reuse takes a kestrel_bench_ database, not ${name}`)
    if (!options.reuse) await admin(adminUrl, (c) => c.query(`create database ${name}`))
    const url = new URL(adminUrl)
    url.pathname = `/${name}`
    const handle = await openPostgres(url.toString(), 10)
    if (!options.reuse) {
      await migrateToLatest(handle.db, migrations)
      await setUpForce(handle.db)
    }
    const { rows } = await sql<{
      v: string
    }>`select current_setting('server_version') as v`.execute(handle.db)
    return {
      handle,
      kind,
      version: `PostgreSQL ${rows[0]?.v}`,
      url: url.toString(),
      name,
      async drop() {
        await handle.close()
        // A scale 10 import takes more than an hour: --keep leaves it for later runs to --reuse.
        if (options.keep || options.reuse) return
        await admin(adminUrl, (c) => c.query(`drop database if exists ${name} with (force)`))
      },
    }
  }
  if (options.keep || options.reuse) throw new Error('--keep and --reuse need --db postgres')
  const handle = await openPglite(undefined)
  await migrateToLatest(handle.db, migrations)
  await setUpForce(handle.db)
  const { rows } = await sql<{
    v: string
  }>`select current_setting('server_version') as v`.execute(handle.db)
  const pkg = JSON.parse(
    fs.readFileSync(path.resolve('node_modules/@electric-sql/pglite/package.json'), 'utf8'),
  ) as { version: string }
  return {
    handle,
    kind,
    version: `PGlite ${pkg.version} (PostgreSQL ${rows[0]?.v})`,
    drop: () => handle.close(),
  }
}
