import fs from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import { migrations } from '../src/modules.ts'
import { openPglite, openPostgres } from '../src/platform/db/database.ts'
import { migrateToLatest } from '../src/platform/db/migrator.ts'
import { pgliteTemplateFile, postgresAdminUrl, postgresTemplateName, testDatabaseKind } from './database.ts'

/**
 * Migrates one template database per run, so each test file starts from a copy instead of migrating again:
 * a dumped PGlite data folder, or a PostgreSQL database used as CREATE DATABASE ... TEMPLATE.
 */
export default async function setup() {
  // The embedded template is made on every run: some tests (the CLI's) use an embedded database whatever
  // the suite's database is.
  const handle = await openPglite(undefined)
  await migrateToLatest(handle.db, migrations)
  const dump = await (handle.pglite as NonNullable<typeof handle.pglite>).dumpDataDir('none')
  fs.mkdirSync(path.dirname(pgliteTemplateFile), { recursive: true })
  fs.writeFileSync(`${pgliteTemplateFile}.partial`, Buffer.from(await dump.arrayBuffer()))
  fs.renameSync(`${pgliteTemplateFile}.partial`, pgliteTemplateFile)
  await handle.close()
  const removePgliteTemplate = () => fs.rmSync(pgliteTemplateFile, { force: true })
  if (testDatabaseKind() !== 'postgres') return async () => removePgliteTemplate()

  const admin = new pg.Client({ connectionString: postgresAdminUrl() })
  await admin.connect()
  const template = postgresTemplateName()
  await admin.query(`drop database if exists ${template}`)
  await admin.query(`create database ${template}`)
  await admin.end()
  const url = new URL(postgresAdminUrl())
  url.pathname = `/${template}`
  const postgres = await openPostgres(url.toString(), 2)
  await migrateToLatest(postgres.db, migrations)
  await postgres.close()
  return async () => {
    removePgliteTemplate()
    const cleanup = new pg.Client({ connectionString: postgresAdminUrl() })
    await cleanup.connect()
    const { rows } = await cleanup.query<{ datname: string }>(
      `select datname from pg_database where datname like $1`,
      [`${template}%`],
    )
    for (const row of rows) await cleanup.query(`drop database if exists ${row.datname} with (force)`)
    await cleanup.end()
  }
}
