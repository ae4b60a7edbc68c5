import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { postgresAdminUrl, testDatabaseKind } from '../../test/database.ts'
import { openPglite, openPostgres } from '../platform/db/database.ts'

// A batch is one transaction: killing the importer part way leaves none of the batch behind.
describe(`an import killed part way (${testDatabaseKind()})`, () => {
  it('leaves nothing of the batch in the database', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'kestrel-crash-'))
    const file = path.join(folder, 'people.jsonl')
    const lines: string[] = []
    for (let i = 0; i < 60_000; i++) {
      lines.push(
        JSON.stringify({
          kind: 'person',
          ref: `CRASH-${i}`,
          familyName: `Family${i % 977}`,
          givenNames: `Given${i % 313}`,
          dateOfBirth: `20${String(5 + (i % 12)).padStart(2, '0')}-0${1 + (i % 9)}-1${i % 9}`,
          gender: i % 2 ? 'female' : 'male',
          ethnicity: 'NS',
        }),
      )
    }
    fs.writeFileSync(file, lines.join('\n'))

    let output = ''
    let env: NodeJS.ProcessEnv
    let count: () => Promise<number>
    // Resolves once the importer is inside its transaction, where the database lets us see that.
    let writing: () => Promise<void>
    let cleanup: () => Promise<void>
    if (testDatabaseKind() === 'postgres') {
      const name = `kestrel_crash_${Math.random().toString(36).slice(2, 10)}`
      const admin = await openPostgres(postgresAdminUrl(), 1)
      await sql.raw(`create database ${name}`).execute(admin.db)
      const url = new URL(postgresAdminUrl())
      url.pathname = `/${name}`
      env = { DATABASE_URL: url.toString() }
      count = async () => {
        const handle = await openPostgres(url.toString(), 1)
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from person`.execute(handle.db)
        await handle.close()
        return rows[0]?.n ?? -1
      }
      writing = async () => {
        for (let i = 0; i < 600; i++) {
          const { rows } = await sql<{ n: number }>`
            select count(*)::int as n from pg_stat_activity
            where datname = ${name} and xact_start is not null and query ilike '%insert into%person%'`.execute(
            admin.db,
          )
          if ((rows[0]?.n ?? 0) > 0) return
          await new Promise((resolve) => setTimeout(resolve, 100))
        }
        throw new Error('the import never started writing people')
      }
      cleanup = async () => {
        await sql.raw(`drop database if exists ${name} with (force)`).execute(admin.db)
        await admin.close()
      }
    } else {
      const dataDir = path.join(folder, 'data')
      env = { KESTREL_DATA_DIR: dataDir }
      // The embedded database cannot be watched from outside its process: wait for the import to say it has
      // begun the batch (the database open and migrated), then give it time to be writing.
      writing = async () => {
        for (let i = 0; i < 1200 && !output.includes('Importing '); i++)
          await new Promise((resolve) => setTimeout(resolve, 100))
        if (!output.includes('Importing ')) throw new Error(`the import never began: ${output}`)
        await new Promise((resolve) => setTimeout(resolve, 5_000))
      }
      count = async () => {
        const handle = await openPglite(dataDir)
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from person`.execute(handle.db)
        await handle.close()
        return rows[0]?.n ?? -1
      }
      cleanup = async () => fs.rmSync(folder, { recursive: true, force: true })
    }
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'import', file], {
        env: { PATH: process.env.PATH, NODE_ENV: 'test', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      child.stdout.on('data', (chunk) => {
        output += chunk
      })
      child.stderr.on('data', (chunk) => {
        output += chunk
      })
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.on('exit', (code, signal) => resolve({ code, signal })),
      )
      await writing()
      child.kill('SIGKILL')
      const { signal } = await exited
      expect(signal, `the import finished before it could be killed: ${output}`).toBe('SIGKILL')
      expect(output).not.toMatch(/Imported/)
      expect(await count()).toBe(0)
    } finally {
      await cleanup()
    }
  }, 120_000)
})
