import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { pgliteTemplateFile } from '../../test/database.ts'
import { openPglite } from '../platform/db/database.ts'
import { main } from './main.ts'

/** The operator's commands end to end, on an embedded database in a temporary folder. */
describe('kestrel tokens and kestrel audit verify', () => {
  const saved = { ...process.env }
  let dataDir: string
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kestrel-audit-'))
    // Start from the run's migrated template rather than migrating again.
    const seeded = await openPglite(dataDir, new Blob([fs.readFileSync(pgliteTemplateFile)]))
    await seeded.close()
    process.env.KESTREL_DATA_DIR = dataDir
    process.env.KESTREL_LOG_LEVEL = 'silent'
    delete process.env.DATABASE_URL
  })
  afterAll(() => {
    process.env = saved
    fs.rmSync(dataDir, { recursive: true, force: true })
  })

  async function run(...argv: string[]) {
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

  it('creates, lists and revokes a token, and verifies the log those changes wrote', async () => {
    const created = await run('tokens', 'create', 'Merlin nightly', '--role', 'mash', '--role', 'officer')
    expect(created.code).toBe(0)
    const token = created.out.split('\n').at(-1) as string
    expect(token).toMatch(/^kst_[A-Za-z0-9_-]{43}$/)
    const id = /Created API token ([0-9a-f-]{36})/.exec(created.out)?.[1] as string

    const listed = await run('tokens', 'list')
    expect(listed.out).toContain(`${id}\tMerlin nightly\tmash,officer\tactive`)
    expect(listed.out).not.toContain(token)

    expect((await run('tokens', 'revoke', id)).code).toBe(0)
    expect((await run('tokens', 'list')).out).toContain('revoked')
    expect((await run('tokens', 'create', 'x', '--role', 'wizard')).code).toBe(2)

    const verified = await run('audit', 'verify')
    expect(verified).toEqual({ code: 0, out: 'Access log verified: 2 entries, chain intact' })
  }, 90_000)

  it('names the first bad entry and exits 1 when the log was edited', async () => {
    const handle = await openPglite(dataDir)
    await sql.raw('alter table access_log disable trigger user').execute(handle.db)
    await sql.raw(`update access_log set actor_name = 'someone else' where seq = 2`).execute(handle.db)
    await sql.raw('alter table access_log enable trigger user').execute(handle.db)
    await handle.close()
    const verified = await run('audit', 'verify')
    expect(verified.code).toBe(1)
    expect(verified.out).toMatch(/first bad entry is seq 2 \(Entry 2 has been changed\)/)
  })

  it('explains its usage', async () => {
    expect((await run('audit')).code).toBe(2)
  })
})
