import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { pgliteTemplateFile } from '../../test/database.ts'
import { openPglite } from '../platform/db/database.ts'
import { main } from './main.ts'

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`

/** `kestrel findings` end to end, on an embedded database in a temporary folder. */
describe('kestrel findings', () => {
  const saved = { ...process.env }
  let dataDir: string
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kestrel-findings-'))
    const seeded = await openPglite(dataDir, new Blob([fs.readFileSync(pgliteTemplateFile)]))
    // Two stored findings in different boroughs: an operator acts for the force and lists both.
    await seeded.db
      .insertInto('finding')
      .values(
        [1, 2].map((n) => ({
          id: uuid(n),
          rule_id: 'TST-01',
          subject_kind: 'test-thing',
          subject_id: `t${n}`,
          subject_ref: `T-${n}`,
          status: 'breached',
          opened_at: new Date('2024-05-01T09:00:00Z'),
          due_at: new Date(`2024-05-01T1${n}:00:00Z`),
          breached_at: new Date(`2024-05-01T1${n}:00:00Z`),
          borough_id: uuid(20 + n),
          updated_at: new Date('2024-05-01T12:00:00Z'),
        })),
      )
      .execute()
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

  async function listReads() {
    const handle = await openPglite(dataDir)
    try {
      return await handle.db
        .selectFrom('access_log')
        .select(['actor_id', 'actor_name', 'action', 'subject_kind', 'subject_id', 'detail'])
        .orderBy('seq')
        .execute()
    } finally {
      await handle.close()
    }
  }

  it('prints every stored finding and logs the listing once, naming the operator and each finding', async () => {
    const listed = await run('findings', '--format', 'csv', '--as', 'ops.jones')
    expect(listed.code).toBe(0)
    expect(listed.out).toContain('T-1')
    expect(listed.out).toContain('T-2')
    expect(await listReads()).toEqual([
      {
        actor_id: 'ops.jones',
        actor_name: 'ops.jones',
        action: 'list',
        subject_kind: 'finding',
        subject_id: 'kestrel findings --format csv --as ops.jones',
        detail: { count: 2, ids: [uuid(1), uuid(2)] },
      },
    ])
  }, 90_000)

  it('logs a listing as at an instant too, and names the command when no operator is given', async () => {
    const listed = await run('findings', '--as-of', '2024-05-01T12:00:00Z')
    expect(listed.code).toBe(0)
    const last = (await listReads()).at(-1)
    expect(last).toMatchObject({
      actor_id: 'findings',
      subject_id: 'kestrel findings --as-of 2024-05-01T12:00:00Z',
      detail: { asOf: '2024-05-01T12:00:00.000Z', count: JSON.parse(listed.out).length },
    })
  }, 90_000)

  it('refuses an empty operator name, and logs nothing', async () => {
    const before = (await listReads()).length
    expect((await run('findings', '--as', ' ')).code).toBe(2)
    expect(await listReads()).toHaveLength(before)
  })
})
