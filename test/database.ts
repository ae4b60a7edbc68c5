import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import { type DatabaseHandle, openPglite, openPostgres } from '../src/platform/db/database.ts'

/** Tests run on the embedded database by default; KESTREL_TEST_DB=postgres runs them on PostgreSQL. */
export function testDatabaseKind(): 'pglite' | 'postgres' {
  return process.env.KESTREL_TEST_DB === 'postgres' ? 'postgres' : 'pglite'
}

/** One template per test run, so runs side by side on one machine never read each other's half-written file. */
export const pgliteTemplateFile = path.resolve(
  `.tmp/pglite-template-${process.env.KESTREL_TEST_RUN ?? 'local'}.tar`,
)

export function postgresAdminUrl(): string {
  return process.env.KESTREL_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
}

export function postgresTemplateName(): string {
  return `kestrel_test_${process.env.KESTREL_TEST_RUN ?? 'tpl'}`
}

/** A fresh, migrated database for one test file: a copy of the run's template. */
export async function testDatabase(): Promise<DatabaseHandle> {
  if (testDatabaseKind() === 'postgres') {
    const name = `${postgresTemplateName()}_${randomBytes(4).toString('hex')}`
    const admin = new pg.Client({ connectionString: postgresAdminUrl() })
    await admin.connect()
    await admin.query(`create database ${name} template ${postgresTemplateName()}`)
    await admin.end()
    const url = new URL(postgresAdminUrl())
    url.pathname = `/${name}`
    const handle = await openPostgres(url.toString(), 5)
    return {
      ...handle,
      async close() {
        await handle.close()
        const cleanup = new pg.Client({ connectionString: postgresAdminUrl() })
        await cleanup.connect()
        await cleanup.query(`drop database if exists ${name} with (force)`)
        await cleanup.end()
      },
    }
  }
  const dump = new Blob([fs.readFileSync(pgliteTemplateFile)])
  return openPglite(undefined, dump)
}

/**
 * A PostgreSQL database of a test's own, for tests that run commands against it by URL: a copy of the run's
 * migrated template, or with `empty` a database with nothing in it (from template0). drop() removes it.
 */
export async function scratchPostgres(
  label: string,
  options: { empty?: boolean } = {},
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${postgresTemplateName()}_${label}_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: postgresAdminUrl() })
  await admin.connect()
  await admin.query(
    `create database ${name} template ${options.empty ? 'template0' : postgresTemplateName()}`,
  )
  await admin.end()
  const url = new URL(postgresAdminUrl())
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    async drop() {
      const cleanup = new pg.Client({ connectionString: postgresAdminUrl() })
      await cleanup.connect()
      await cleanup.query(`drop database if exists ${name} with (force)`)
      await cleanup.end()
    },
  }
}
