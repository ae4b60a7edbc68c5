import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { pgliteTemplateFile, scratchPostgres, testDatabaseKind } from '../../test/database.ts'
import { accessLogService } from '../platform/access/access-log.ts'
import { systemClock } from '../platform/clock.ts'
import { type DatabaseHandle, openPglite, openPostgres } from '../platform/db/database.ts'
import { main } from './main.ts'

/**
 * The access log anchored outside the database: a checkpoint file records its head, and verify --checkpoint
 * finds a tail cut together with a rewound head, which the chain and the head row alone cannot show.
 */
describe(`kestrel audit checkpoint and verify --checkpoint (${testDatabaseKind()})`, () => {
  const saved = { ...process.env }
  const key = 'a checkpoint key of the force, 32+'
  let folder: string
  let checkpoints: string
  let open: () => Promise<DatabaseHandle>
  let drop: () => Promise<void> = async () => {}

  beforeAll(async () => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'kestrel-checkpoint-'))
    checkpoints = path.join(folder, 'checkpoints.jsonl')
    process.env.KESTREL_LOG_LEVEL = 'silent'
    if (testDatabaseKind() === 'postgres') {
      const scratch = await scratchPostgres('ckpt')
      process.env.DATABASE_URL = scratch.url
      open = () => openPostgres(scratch.url, 2)
      drop = scratch.drop
    } else {
      const dataDir = path.join(folder, 'data')
      const seeded = await openPglite(dataDir, new Blob([fs.readFileSync(pgliteTemplateFile)]))
      await seeded.close()
      process.env.KESTREL_DATA_DIR = dataDir
      delete process.env.DATABASE_URL
      open = () => openPglite(dataDir)
    }
  })
  afterAll(async () => {
    process.env = saved
    await drop()
    fs.rmSync(folder, { recursive: true, force: true })
  })

  async function run(...argv: string[]) {
    const out: string[] = []
    const log = vi.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line))
    const error = vi.spyOn(console, 'error').mockImplementation((line: string) => void out.push(line))
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      out.push(String(chunk).trimEnd())
      return true
    })
    try {
      return { code: await main(argv), out: out.join('\n') }
    } finally {
      log.mockRestore()
      error.mockRestore()
      stderr.mockRestore()
    }
  }

  /** The database is closed again before any command runs: the embedded one serves one process at a time. */
  async function withDatabase<T>(work: (handle: DatabaseHandle) => Promise<T>): Promise<T> {
    const handle = await open()
    try {
      return await work(handle)
    } finally {
      await handle.close()
    }
  }

  const writeEntries = (n: number, label: string) =>
    withDatabase((handle) =>
      accessLogService(handle.db, systemClock).recordMany(
        Array.from({ length: n }, (_, i) => ({
          actorId: 'u-1',
          actorName: 'dc.smith',
          action: 'read',
          subjectKind: 'child',
          subjectId: `${label}-${i}`,
        })),
      ),
    )

  /** What someone able to write the database does to hide entries: cut the tail, rewind the head to match. */
  const cutTailAfter = (seq: number) =>
    withDatabase(async (handle) => {
      await sql.raw('alter table access_log disable trigger user').execute(handle.db)
      await sql`delete from access_log where seq > ${seq}`.execute(handle.db)
      await sql.raw('alter table access_log enable trigger user').execute(handle.db)
      await sql`update access_log_head set seq = ${seq}, hash = (select hash from access_log where seq = ${seq})`.execute(
        handle.db,
      )
    })

  it('proves every checkpointed head is still in the log, and names the entry cut from its end', async () => {
    process.env.KESTREL_AUDIT_CHECKPOINT = checkpoints
    process.env.KESTREL_AUDIT_CHECKPOINT_KEY = key
    await writeEntries(5, 'first')
    const first = await run('audit', 'checkpoint')
    expect(first.code).toBe(0)
    expect(first.out).toMatch(
      new RegExp(`^Checkpoint written to ${checkpoints}: entry 5, hash [0-9a-f]{64}, at `),
    )
    await writeEntries(2, 'second')
    expect((await run('audit', 'checkpoint')).code).toBe(0)
    const lines = fs.readFileSync(checkpoints, 'utf8').trimEnd().split('\n')
    expect(lines.map((line) => JSON.parse(line).seq)).toEqual([5, 7])

    const intact = await run('audit', 'verify', '--checkpoint', checkpoints)
    expect(intact.code).toBe(0)
    expect(intact.out).toMatch(
      /^Access log verified: 7 entries, chain intact; it holds all 2 checkpointed heads \(the latest entry 7, checkpointed at /,
    )

    await cutTailAfter(4)
    // The defect: the log alone verifies as a shorter, intact chain.
    expect(await run('audit', 'verify')).toEqual({
      code: 0,
      out: 'Access log verified: 4 entries, chain intact',
    })
    const cut = await run('audit', 'verify', '--checkpoint', checkpoints)
    expect(cut.code).toBe(1)
    expect(cut.out).toMatch(
      /^Access log NOT intact: first bad entry is seq 5 \(Entry 5, checkpointed at \S+, is missing: the log ends at entry 4, so entries were cut from its end/,
    )

    // Writing on over the cut fills the seqs again, with other entries: still found.
    await writeEntries(4, 'after')
    expect((await run('audit', 'verify')).code).toBe(0)
    const rewritten = await run('audit', 'verify', '--checkpoint', checkpoints)
    expect(rewritten.code).toBe(1)
    expect(rewritten.out).toMatch(
      /first bad entry is seq 5 \(Entry 5 is not the entry checkpointed at \S+: the log was rewritten/,
    )
  }, 120_000)

  it('refuses a checkpoint file that was edited, cut at the start, unsigned or signed with another key', async () => {
    const lines = fs.readFileSync(checkpoints, 'utf8').trimEnd().split('\n')
    const verifyWith = async (text: string, withKey: string | null = key) => {
      const file = path.join(folder, 'edited.jsonl')
      fs.writeFileSync(file, text)
      if (withKey) process.env.KESTREL_AUDIT_CHECKPOINT_KEY = withKey
      else delete process.env.KESTREL_AUDIT_CHECKPOINT_KEY
      try {
        return await run('audit', 'verify', '--checkpoint', file)
      } finally {
        process.env.KESTREL_AUDIT_CHECKPOINT_KEY = key
      }
    }
    const edited = JSON.parse(lines[1] as string)
    edited.seq = 4
    const second = await verifyWith(`${lines[0]}\n${JSON.stringify(edited)}\n`)
    expect(second.code).toBe(1)
    expect(second.out).toMatch(
      /^Access log NOT proven: Line 2 of the checkpoint file \S+ is not signed with KESTREL_AUDIT_CHECKPOINT_KEY/,
    )
    const firstEdited = JSON.parse(lines[0] as string)
    firstEdited.seq = 3
    expect((await verifyWith(`${JSON.stringify(firstEdited)}\n${lines[1]}\n`)).out).toMatch(
      /Line 1 of .* is not signed/,
    )
    expect((await verifyWith(`${lines[1]}\n`)).out).toMatch(
      /Line 1 of .* is not the first checkpoint Kestrel wrote/,
    )
    expect((await verifyWith(`${lines[0]}\n${lines[1]}`)).out).toMatch(/Line 2 of .* is incomplete/)
    expect((await verifyWith('')).out).toMatch(/holds no checkpoints/)
    expect((await verifyWith(`${lines[0]}\n`, 'another key of at least 16')).out).toMatch(
      /Line 1 of .* is not signed/,
    )
    expect((await verifyWith(`${lines[0]}\n`, null)).out).toMatch(
      /is signed: set KESTREL_AUDIT_CHECKPOINT_KEY/,
    )
    expect((await run('audit', 'verify', '--checkpoint', path.join(folder, 'none.jsonl'))).out).toMatch(
      /NOT proven: cannot read the checkpoint file .*ENOENT/,
    )
    expect((await run('audit', 'verify', '--check')).code).toBe(2)
  }, 60_000)

  it('links unsigned lines too, so an edited line breaks the next', async () => {
    delete process.env.KESTREL_AUDIT_CHECKPOINT_KEY
    const unsigned = path.join(folder, 'unsigned.jsonl')
    process.env.KESTREL_AUDIT_CHECKPOINT = unsigned
    try {
      expect((await run('audit', 'checkpoint')).code).toBe(0)
      expect((await run('audit', 'checkpoint')).code).toBe(0)
      expect((await run('audit', 'verify', '--checkpoint', unsigned)).code).toBe(0)
      const [one, two] = fs.readFileSync(unsigned, 'utf8').trimEnd().split('\n') as [string, string]
      expect(JSON.parse(one)).not.toHaveProperty('mac')
      fs.writeFileSync(
        unsigned,
        `${one.replace(/"at":"[^"]+"/, '"at":"2020-01-01T00:00:00.000Z"')}\n${two}\n`,
      )
      const edited = await run('audit', 'verify', '--checkpoint', unsigned)
      expect(edited.code).toBe(1)
      expect(edited.out).toMatch(
        /Line 2 of .* does not follow line 1: a line was changed, removed or inserted/,
      )
    } finally {
      process.env.KESTREL_AUDIT_CHECKPOINT_KEY = key
    }
  }, 60_000)

  it('posts the head as JSON to an http endpoint, and fails when the endpoint does not take it', async () => {
    const received: unknown[] = []
    let status = 204
    const server = http.createServer((request, response) => {
      let body = ''
      request.on('data', (chunk) => {
        body += chunk
      })
      request.on('end', () => {
        received.push({
          method: request.method,
          type: request.headers['content-type'],
          authorization: request.headers.authorization,
          body: JSON.parse(body),
        })
        response.writeHead(status).end()
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    process.env.KESTREL_AUDIT_CHECKPOINT = `http://user:secret@127.0.0.1:${port}/anchors`
    try {
      const posted = await run('audit', 'checkpoint')
      expect(posted.code).toBe(0)
      expect(posted.out).toMatch(
        new RegExp(`^Checkpoint written to http://127.0.0.1:${port}/anchors: entry 8`),
      )
      expect(received).toEqual([
        {
          method: 'POST',
          type: 'application/json',
          authorization: `Basic ${Buffer.from('user:secret').toString('base64')}`,
          body: {
            kestrel: 'access-log-checkpoint',
            seq: 8,
            hash: expect.stringMatching(/^[0-9a-f]{64}$/),
            at: expect.any(String),
            mac: expect.stringMatching(/^[0-9a-f]{64}$/),
          },
        },
      ])
      status = 503
      const refused = await run('audit', 'checkpoint')
      expect(refused.code).toBe(1)
      expect(refused.out).toBe(
        `kestrel audit checkpoint: Posting the checkpoint to http://127.0.0.1:${port}/anchors was answered 503`,
      )
      expect(refused.out).not.toContain('secret')
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  }, 60_000)

  it('prints a syslog line on standard error when no sink is configured', async () => {
    delete process.env.KESTREL_AUDIT_CHECKPOINT
    const logged = await run('audit', 'checkpoint')
    expect(logged.code).toBe(0)
    expect(logged.out).toMatch(
      new RegExp(
        `^<109>1 \\S+Z ${os.hostname()} kestrel ${process.pid} access-log-checkpoint - \\{"kestrel":"access-log-checkpoint","seq":8,"hash":"[0-9a-f]{64}"`,
      ),
    )
    expect(logged.out).toContain('Checkpoint written to standard error (syslog format): entry 8')
    // Lines gathered from syslog are a checkpoint file too (unlinked: each stands on its own signature).
    const gathered = path.join(folder, 'from-syslog.log')
    const syslogLine = logged.out.split('\n')[0] as string
    fs.writeFileSync(gathered, `${syslogLine}\n`)
    expect((await run('audit', 'verify', '--checkpoint', gathered)).code).toBe(0)
    const forged = syslogLine.replace(/"seq":8/, '"seq":7')
    fs.writeFileSync(gathered, `${syslogLine}\n${forged}\n`)
    expect((await run('audit', 'verify', '--checkpoint', gathered)).out).toMatch(/Line 2 of .* is not signed/)
  })

  it('writes nothing when the head does not match the entry it names', async () => {
    process.env.KESTREL_AUDIT_CHECKPOINT = checkpoints
    const before = fs.readFileSync(checkpoints, 'utf8')
    await withDatabase(async (handle) => {
      await sql`update access_log_head set hash = ${'f'.repeat(64)}`.execute(handle.db)
    })
    const refused = await run('audit', 'checkpoint')
    expect(refused.code).toBe(1)
    expect(refused.out).toMatch(
      /head \(entry 8\) does not match the log: run "kestrel audit verify"; no checkpoint/,
    )
    expect(fs.readFileSync(checkpoints, 'utf8')).toBe(before)
  })
})
