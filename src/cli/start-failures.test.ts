import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

// Starting with a database Kestrel cannot use ends with one clear line on stderr and a non-zero exit.
function kestrel(args: string[], env: NodeJS.ProcessEnv) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    env: { PATH: process.env.PATH, NODE_ENV: 'test', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  })
  return { status: result.status, stderr: result.stderr.trim(), stdout: result.stdout.trim() }
}

describe('starting on a database Kestrel cannot use', () => {
  it('names a PostgreSQL server that does not answer', () => {
    const run = kestrel(['migrate'], { DATABASE_URL: 'postgres://kestrel@127.0.0.1:1/kestrel' })
    expect(run.status).toBe(1)
    expect(run.stderr.split('\n')).toHaveLength(1)
    expect(run.stderr).toMatch(/^kestrel migrate: Cannot connect to PostgreSQL at 127\.0\.0\.1:1\/kestrel/)
  })

  it('refuses a DATABASE_URL that is not PostgreSQL', () => {
    const run = kestrel(['serve'], { DATABASE_URL: 'mysql://localhost/kestrel' })
    expect(run.status).toBe(1)
    expect(run.stderr).toBe(
      'kestrel serve: Configuration error: DATABASE_URL must start with postgres:// or postgresql://',
    )
  })

  it('names a data folder it cannot write', () => {
    // A folder inside a plain file cannot be created, even by root.
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kestrel-')), 'not-a-folder')
    fs.writeFileSync(file, '')
    const run = kestrel(['serve'], { KESTREL_DATA_DIR: path.join(file, 'data') })
    expect(run.status).toBe(1)
    expect(run.stderr.split('\n')).toHaveLength(1)
    expect(run.stderr).toMatch(/^kestrel serve: Cannot use data folder .*not-a-folder\/data: ENOTDIR/)
  })
})
