import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { postgresAdminUrl, testDatabaseKind } from '../../test/database.ts'
import { type DatabaseHandle, openPglite, openPostgres } from '../platform/db/database.ts'

// A NUL in an import line used to reach the database and end `kestrel import` with a stack trace naming
// no line. It is a rejected batch like any other: the line and the field, exit 1, nothing written.
describe(`kestrel import of a line with text the database cannot store (${testDatabaseKind()})`, () => {
  it('names the line and the field and writes nothing', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'kestrel-unstorable-'))
    const file = path.join(folder, 'people.jsonl')
    const person = (ref: string, familyName: string) =>
      JSON.stringify({ kind: 'person', ref, familyName, givenNames: 'Amy', dateOfBirth: '2010-01-01' })
    fs.writeFileSync(file, [person('NUL-1', 'Good'), person('NUL-2', 'Bad\u0000name')].join('\n'))

    let env: NodeJS.ProcessEnv
    let open: () => Promise<DatabaseHandle>
    let cleanup = async () => fs.rmSync(folder, { recursive: true, force: true })
    if (testDatabaseKind() === 'postgres') {
      const name = `kestrel_unstorable_${Math.random().toString(36).slice(2, 10)}`
      const admin = await openPostgres(postgresAdminUrl(), 1)
      await sql.raw(`create database ${name}`).execute(admin.db)
      const url = new URL(postgresAdminUrl())
      url.pathname = `/${name}`
      env = { DATABASE_URL: url.toString() }
      open = () => openPostgres(url.toString(), 1)
      const removeFolder = cleanup
      cleanup = async () => {
        await sql.raw(`drop database if exists ${name} with (force)`).execute(admin.db)
        await admin.close()
        await removeFolder()
      }
    } else {
      const dataDir = path.join(folder, 'data')
      env = { KESTREL_DATA_DIR: dataDir }
      open = () => openPglite(dataDir)
    }
    try {
      const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'import', file], {
        env: { PATH: process.env.PATH, NODE_ENV: 'test', KESTREL_LOG_LEVEL: 'silent', ...env },
        encoding: 'utf8',
        timeout: 90_000,
      })
      expect(result.status, result.stderr).toBe(1)
      expect(result.stderr).toContain('nothing was written')
      expect(result.stderr).toMatch(/line 2 \(familyName\): must not contain a NUL character/)
      expect(result.stderr).not.toMatch(/\n\s+at /) // no stack trace
      const handle = await open()
      try {
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from person`.execute(handle.db)
        expect(rows[0]?.n).toBe(0)
      } finally {
        await handle.close()
      }
    } finally {
      await cleanup()
    }
  }, 120_000)
})
