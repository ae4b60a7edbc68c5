import { sql } from 'kysely'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { testDatabase, testDatabaseKind } from '../../../test/database.ts'
import { fixedClock } from '../clock.ts'
import type { DatabaseHandle } from '../db/database.ts'
import {
  type AccessLogService,
  accessLogService,
  canonicalJson,
  entryHash,
  genesisHash,
} from './access-log.ts'

const officer = { id: 'user-1', username: 'a.officer' }

describe('access log', () => {
  let handle: DatabaseHandle
  let log: AccessLogService
  beforeAll(async () => {
    handle = await testDatabase()
    log = accessLogService(handle.db, fixedClock('2018-08-01T09:00:00Z'))
  })
  afterAll(() => handle.close())
  // One database for the file, emptied before each test: the log and its head back to the genesis state.
  beforeEach(async () => {
    await tamper('delete from access_log')
    await sql`update access_log_head set seq = 0, hash = ${genesisHash}`.execute(handle.db)
  })

  /** Tampering needs the append-only triggers off, as a superuser going round Kestrel would do. */
  async function tamper(statement: string) {
    await sql.raw('alter table access_log disable trigger user').execute(handle.db)
    await sql.raw(statement).execute(handle.db)
    await sql.raw('alter table access_log enable trigger user').execute(handle.db)
  }

  async function appendFive() {
    for (let i = 1; i <= 5; i++) {
      await log.logRead(officer, 'child', `child-${i}`, `req-${i}`, i === 3 ? 'strategy discussion' : null)
    }
  }

  it('serialises detail with sorted keys at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}',
    )
    expect(canonicalJson({ at: new Date('2018-08-01T09:00:00Z'), gone: undefined })).toBe(
      '{"at":"2018-08-01T09:00:00.000Z"}',
    )
  })

  it('chains each entry to the one before, starting from the genesis hash', async () => {
    const first = await log.logRead(officer, 'child', 'c1', 'r1')
    const second = await log.logChange(officer, {
      action: 'update',
      subjectKind: 'child',
      subjectId: 'c1',
      requestId: 'r2',
      detail: { fields: ['name'], version: 2 },
    })
    expect(first.seq).toBe(1)
    expect(first.prevHash).toBe(genesisHash)
    expect(second.seq).toBe(2)
    expect(second.prevHash).toBe(first.hash)
    expect(entryHash(second)).toBe(second.hash)
    expect(await log.verify()).toEqual({ ok: true, rows: 2, firstProblem: undefined })
  })

  it('verifies an empty log', async () => {
    expect(await log.verify()).toEqual({ ok: true, rows: 0, firstProblem: undefined })
  })

  it('lists who read or changed a record, newest first', async () => {
    await appendFive()
    await log.logRead({ id: 'user-2', username: 'b.supervisor' }, 'child', 'child-3', 'req-9', 'review')
    const viewers = await log.forSubject('child', 'child-3')
    expect(viewers.map((v) => [v.actorName, v.reason])).toEqual([
      ['b.supervisor', 'review'],
      ['a.officer', 'strategy discussion'],
    ])
  })

  it('appends a batch in one transaction, and nothing when the transaction fails', async () => {
    const entries = Array.from({ length: 2500 }, (_, i) => ({
      actorId: 'import',
      actorName: 'import',
      action: 'create',
      subjectKind: 'child',
      subjectId: `c${i}`,
      detail: { row: i },
    }))
    const rows = await log.recordMany(entries)
    expect(rows.at(-1)?.seq).toBe(2500)
    await expect(
      handle.db.transaction().execute(async (trx) => {
        await log.recordMany(entries.slice(0, 10), trx)
        throw new Error('import failed')
      }),
    ).rejects.toThrow('import failed')
    expect(await log.verify()).toEqual({ ok: true, rows: 2500, firstProblem: undefined })
  })

  it('logs a read inside the caller’s transaction', async () => {
    await handle.db.transaction().execute(async (trx) => {
      await log.logRead(officer, 'child', 'c1', 'r1', 'strategy discussion', trx)
    })
    expect((await log.forSubject('child', 'c1')).map((r) => r.reason)).toEqual(['strategy discussion'])
  })

  it('refuses edits and deletions through the database', async () => {
    await appendFive()
    await expect(
      sql`update access_log set actor_name = 'x' where seq = 1`.execute(handle.db),
    ).rejects.toThrow(/append-only/)
    await expect(sql`delete from access_log where seq = 1`.execute(handle.db)).rejects.toThrow(/append-only/)
  })

  it('detects an edited row', async () => {
    await appendFive()
    await tamper(`update access_log set reason = 'routine' where seq = 3`)
    expect(await log.verify()).toMatchObject({
      ok: false,
      rows: 2,
      firstProblem: { seq: 3, kind: 'changed' },
    })
  })

  it('detects an edited row whose hash was recomputed, at the row after it', async () => {
    await appendFive()
    const row = await handle.db
      .selectFrom('access_log')
      .selectAll()
      .where('seq', '=', 2)
      .executeTakeFirstOrThrow()
    const forged = entryHash({
      seq: 2,
      at: row.at,
      actorId: 'someone-else',
      actorName: row.actor_name,
      action: row.action,
      subjectKind: row.subject_kind,
      subjectId: row.subject_id,
      reason: row.reason,
      requestId: row.request_id,
      detail: null,
      prevHash: row.prev_hash,
    })
    await tamper(`update access_log set actor_id = 'someone-else', hash = '${forged}' where seq = 2`)
    expect(await log.verify()).toMatchObject({ ok: false, firstProblem: { seq: 3, kind: 'missing' } })
  })

  it('detects a deleted row in the middle', async () => {
    await appendFive()
    await tamper('delete from access_log where seq = 2')
    expect(await log.verify()).toMatchObject({
      ok: false,
      rows: 1,
      firstProblem: { seq: 2, kind: 'missing' },
    })
  })

  it('detects deleted rows at the end', async () => {
    await appendFive()
    await tamper('delete from access_log where seq >= 4')
    expect(await log.verify()).toMatchObject({
      ok: false,
      rows: 3,
      firstProblem: { seq: 4, kind: 'tail-missing' },
    })
  })

  it('keeps a gap visible when entries are appended after the tail was deleted', async () => {
    await appendFive()
    await tamper('delete from access_log where seq = 5')
    await log.logRead(officer, 'child', 'c9', 'r9')
    expect(await log.verify()).toMatchObject({ ok: false, firstProblem: { seq: 5, kind: 'missing' } })
  })

  it('detects a whole log emptied', async () => {
    await appendFive()
    await tamper('delete from access_log')
    expect(await log.verify()).toMatchObject({ ok: false, rows: 0, firstProblem: { seq: 1 } })
  })

  it.runIf(testDatabaseKind() === 'postgres')('keeps one valid chain under concurrent appends', async () => {
    const rows = await Promise.all(
      Array.from({ length: 20 }, (_, i) => log.logRead(officer, 'child', `c${i}`, `r${i}`)),
    )
    expect(rows.map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
    expect(await log.verify()).toEqual({ ok: true, rows: 20, firstProblem: undefined })
  })
})
