import { createHash } from 'node:crypto'
import { type Kysely, sql, type Transaction } from 'kysely'
import type { Clock } from '../clock.ts'
import { type Database, inTransaction as inTransactionOf } from '../db/database.ts'
import type { DB } from '../db/schema.ts'

/**
 * The access log: who read or changed which person's record, when and why. Rows are only ever appended
 * (a trigger refuses update, delete and truncate), and each row's hash covers its content and the hash
 * of the row before, so an edited, removed or truncated row breaks the chain that `verify` walks.
 */

export const genesisHash = '0'.repeat(64)

/** One advisory lock number for every appender, so seq and prev_hash are taken from a settled head. */
const appendLock = 0x6b65_7374 // "kest"

const verifyPageSize = 1000
const insertChunkSize = 1000

/** Who is acting: a signed-in person, an API client, or an operator at the command line. */
export interface Actor {
  id: string
  username: string
}

export interface AccessLogEntry {
  actorId: string
  actorName: string
  /** What was done: 'read', 'create', 'update', 'delete', or a module's own verb ('export', 'share'). */
  action: string
  /** The kind of record, named as its table or module names it: 'child', 'missing_episode'. */
  subjectKind: string
  subjectId: string
  reason?: string | null
  requestId?: string | null
  detail?: Record<string, unknown> | null
}

/** A list read: who, which kind of record, the query (its route or command), and what it showed. */
export interface ListRead {
  actorId: string
  actorName: string
  subjectKind: string
  /** What was asked, as a route or command with its filters: 'GET /api/v1/pacs?status=open'. */
  query: string
  ids: readonly string[]
  /** 'list' unless the read is an 'export' or a 'search'. */
  action?: string
  requestId?: string | null
  detail?: Record<string, unknown>
}

/**
 * How a list names its read for the access log: the query and request. `exported` when the rows go to an
 * export route, which logs each batch it sends (action 'export'): the list then leaves them to it, so no
 * read is logged twice.
 */
export interface ListQuery {
  query: string
  requestId?: string | null
  exported?: boolean
}

export interface AccessLogRow {
  seq: number
  at: Date
  actorId: string
  actorName: string
  action: string
  subjectKind: string
  subjectId: string
  reason: string | null
  requestId: string | null
  detail: Record<string, unknown> | null
  prevHash: string
  hash: string
}

export interface ChainProblem {
  seq: number
  kind: 'changed' | 'missing' | 'tail-missing' | 'unrecorded' | 'checkpoint-missing' | 'checkpoint-changed'
  message: string
}

export interface VerifyResult {
  ok: boolean
  rows: number
  firstProblem: ChainProblem | undefined
}

/** A head written outside the database (checkpoint.ts): the chain must still hold this entry. */
export interface Anchor {
  seq: number
  hash: string
  /** When it was taken, ISO, for the message. */
  at: string
}

/** The last entry Kestrel wrote, as the head row records it; seq 0 and the genesis hash before any. */
export async function readHead(q: Executor): Promise<{ seq: number; hash: string }> {
  const head = await q
    .selectFrom('access_log_head')
    .select(['seq', 'hash'])
    .where('id', '=', true)
    .executeTakeFirst()
  return head ?? { seq: 0, hash: genesisHash }
}

type Executor = Kysely<DB> | Transaction<DB>

/** JSON with object keys sorted at every level, so the same detail always serialises the same way. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null'
  // Round-trip first: Dates become ISO strings and undefined properties vanish, as they do in jsonb.
  return stringifySorted(JSON.parse(JSON.stringify(value)) as unknown)
}

function stringifySorted(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map(stringifySorted).join(',')}]`
  const record = value as Record<string, unknown>
  const keys = Object.keys(record).sort()
  return `{${keys.map((key) => `${JSON.stringify(key)}:${stringifySorted(record[key])}`).join(',')}}`
}

/** The hash of one row: sha256 over a fixed-order JSON array of every field and the previous hash. */
export function entryHash(row: Omit<AccessLogRow, 'hash'>): string {
  const canonical = JSON.stringify([
    row.seq,
    row.at.toISOString(),
    row.actorId,
    row.actorName,
    row.action,
    row.subjectKind,
    row.subjectId,
    row.reason,
    row.requestId,
    row.detail === null ? null : canonicalJson(row.detail),
    row.prevHash,
  ])
  return createHash('sha256').update(canonical).digest('hex')
}

interface StoredRow {
  seq: number
  at: Date
  actor_id: string
  actor_name: string
  action: string
  subject_kind: string
  subject_id: string
  reason: string | null
  request_id: string | null
  detail: unknown
  prev_hash: string
  hash: string
}

function fromStored(row: StoredRow): AccessLogRow {
  return {
    seq: row.seq,
    at: row.at,
    actorId: row.actor_id,
    actorName: row.actor_name,
    action: row.action,
    subjectKind: row.subject_kind,
    subjectId: row.subject_id,
    reason: row.reason,
    requestId: row.request_id,
    detail: (row.detail ?? null) as Record<string, unknown> | null,
    prevHash: row.prev_hash,
    hash: row.hash,
  }
}

/** Appends entries in order under the append lock; the caller's transaction holds it until commit. */
async function append(
  trx: Transaction<DB>,
  clock: Clock,
  entries: AccessLogEntry[],
): Promise<AccessLogRow[]> {
  if (entries.length === 0) return []
  await sql`select pg_advisory_xact_lock(${appendLock})`.execute(trx)
  const head = await trx
    .selectFrom('access_log_head')
    .select(['seq', 'hash'])
    .where('id', '=', true)
    .executeTakeFirst()
  // The head row is made by the migration; fall back to the log itself should it ever be missing.
  let last = head ??
    (await trx
      .selectFrom('access_log')
      .select(['seq', 'hash'])
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst()) ?? { seq: 0, hash: genesisHash }
  const at = clock.now()
  const rows: AccessLogRow[] = []
  for (const entry of entries) {
    const unhashed = {
      seq: last.seq + 1,
      at,
      actorId: entry.actorId,
      actorName: entry.actorName,
      action: entry.action,
      subjectKind: entry.subjectKind,
      subjectId: entry.subjectId,
      reason: entry.reason ?? null,
      requestId: entry.requestId ?? null,
      detail: entry.detail ? (JSON.parse(canonicalJson(entry.detail)) as Record<string, unknown>) : null,
      prevHash: last.hash,
    }
    const row = { ...unhashed, hash: entryHash(unhashed) }
    rows.push(row)
    last = row
  }
  for (let i = 0; i < rows.length; i += insertChunkSize) {
    await trx
      .insertInto('access_log')
      .values(
        rows.slice(i, i + insertChunkSize).map((row) => ({
          seq: row.seq,
          at: row.at,
          actor_id: row.actorId,
          actor_name: row.actorName,
          action: row.action,
          subject_kind: row.subjectKind,
          subject_id: row.subjectId,
          reason: row.reason,
          request_id: row.requestId,
          detail: row.detail === null ? null : canonicalJson(row.detail),
          prev_hash: row.prevHash,
          hash: row.hash,
        })),
      )
      .execute()
  }
  await trx
    .insertInto('access_log_head')
    .values({ id: true, seq: last.seq, hash: last.hash })
    .onConflict((oc) => oc.column('id').doUpdateSet({ seq: last.seq, hash: last.hash }))
    .execute()
  return rows
}

/**
 * Appends entries on the caller's executor (joining its transaction, or opening one on the database): for an
 * import logging what it touched inside its own transaction, without a service bound to the database.
 */
export function appendAccessLog(
  q: Executor,
  clock: Clock,
  entries: AccessLogEntry[],
): Promise<AccessLogRow[]> {
  return inTransactionOf(q, (trx) => append(trx, clock, entries))
}

export function accessLogService(db: Database, clock: Clock) {
  async function inTransaction<T>(trx: Executor | undefined, work: (trx: Transaction<DB>) => Promise<T>) {
    if (trx?.isTransaction) return work(trx as Transaction<DB>)
    return (trx ?? db).transaction().execute(work)
  }

  async function record(entry: AccessLogEntry, trx?: Executor): Promise<AccessLogRow> {
    const [row] = await inTransaction(trx, (t) => append(t, clock, [entry]))
    return row as AccessLogRow
  }

  /**
   * A list, search or export a person read: one row per request naming the query and the id of every
   * record it showed, not a row per record, so logging a page of 500 costs one append.
   */
  async function recordList(entry: ListRead, trx?: Executor): Promise<AccessLogRow> {
    return record(
      {
        actorId: entry.actorId,
        actorName: entry.actorName,
        action: entry.action ?? 'list',
        subjectKind: entry.subjectKind,
        subjectId: entry.query,
        requestId: entry.requestId ?? null,
        detail: { ...entry.detail, count: entry.ids.length, ids: [...entry.ids] },
      },
      trx,
    )
  }

  /** A list read as its ListQuery names it; none when the rows are `exported` (the export logs them). */
  async function recordListQuery(
    read: ListQuery,
    entry: Omit<ListRead, 'query' | 'requestId'>,
    trx?: Executor,
  ): Promise<void> {
    if (read.exported) return
    await recordList({ ...entry, query: read.query, requestId: read.requestId ?? null }, trx)
  }

  /** Many entries in one transaction and one lock: imports log each record they touch without a round trip each. */
  async function recordMany(entries: AccessLogEntry[], trx?: Executor): Promise<AccessLogRow[]> {
    return inTransaction(trx, (t) => append(t, clock, entries))
  }

  return {
    record,
    recordMany,
    recordList,
    recordListQuery,

    /**
     * Every read of a person's record goes through here. Inside a transaction pass it as trx (on the
     * embedded database a second connection would wait for the first forever).
     */
    logRead(
      actor: Actor,
      subjectKind: string,
      subjectId: string,
      requestId: string | null | undefined,
      reason?: string | null,
      trx?: Executor,
    ): Promise<AccessLogRow> {
      return record(
        {
          actorId: actor.id,
          actorName: actor.username,
          action: 'read',
          subjectKind,
          subjectId,
          requestId: requestId ?? null,
          reason: reason ?? null,
        },
        trx,
      )
    },

    /** Every change to a record; pass the transaction that makes the change so both commit or neither does. */
    logChange(
      actor: Actor,
      change: {
        action: string
        subjectKind: string
        subjectId: string
        requestId?: string | null
        reason?: string | null
        detail?: Record<string, unknown> | null
      },
      trx?: Executor,
    ): Promise<AccessLogRow> {
      return record({ actorId: actor.id, actorName: actor.username, ...change }, trx)
    },

    /** Who read or changed this record, newest first: the "who has viewed this" panel. */
    async forSubject(subjectKind: string, subjectId: string, limit = 200): Promise<AccessLogRow[]> {
      const rows = await db
        .selectFrom('access_log')
        .selectAll()
        .where('subject_kind', '=', subjectKind)
        .where('subject_id', '=', subjectId)
        .orderBy('seq', 'desc')
        .limit(limit)
        .execute()
      return rows.map(fromStored)
    },

    /**
     * Walks the whole chain in seq order, a page at a time, inside one repeatable-read snapshot so
     * appends made meanwhile do not look like tampering. Reports the first seq where it breaks. Each
     * anchor (a checkpointed head) must still be in the chain with the same hash: the head row alone
     * cannot show a cut tail when whoever cut it also rewound the head.
     */
    async verify(anchors: readonly Anchor[] = []): Promise<VerifyResult> {
      const anchorsAt = new Map<number, Anchor[]>()
      for (const anchor of anchors) anchorsAt.set(anchor.seq, [...(anchorsAt.get(anchor.seq) ?? []), anchor])
      const anchorProblem = (row: { seq: number; hash: string }): ChainProblem | undefined => {
        const differing = anchorsAt.get(row.seq)?.find((a) => a.hash !== row.hash)
        if (!differing) return undefined
        return {
          seq: row.seq,
          kind: 'checkpoint-changed',
          message: `Entry ${row.seq} is not the entry checkpointed at ${differing.at}: the log was rewritten from there`,
        }
      }
      return db
        .transaction()
        .setIsolationLevel('repeatable read')
        .execute(async (trx) => {
          const head = await trx
            .selectFrom('access_log_head')
            .select(['seq', 'hash'])
            .where('id', '=', true)
            .executeTakeFirst()
          let previous = { seq: 0, hash: genesisHash }
          let rows = 0
          const fail = (seq: number, kind: ChainProblem['kind'], message: string): VerifyResult => ({
            ok: false,
            rows,
            firstProblem: { seq, kind, message },
          })
          const genesisProblem = anchorProblem(previous)
          if (genesisProblem) return { ok: false, rows, firstProblem: genesisProblem }
          for (;;) {
            const page = await trx
              .selectFrom('access_log')
              .selectAll()
              .where('seq', '>', previous.seq)
              .orderBy('seq')
              .limit(verifyPageSize)
              .execute()
            for (const stored of page) {
              const row = fromStored(stored)
              if (row.seq !== previous.seq + 1) {
                return fail(previous.seq + 1, 'missing', `Entry ${previous.seq + 1} is missing`)
              }
              if (row.prevHash !== previous.hash) {
                return fail(row.seq, 'missing', `Entry ${row.seq} does not follow entry ${previous.seq}`)
              }
              if (entryHash(row) !== row.hash) {
                return fail(row.seq, 'changed', `Entry ${row.seq} has been changed`)
              }
              const problem = anchorProblem(row)
              if (problem) return { ok: false, rows, firstProblem: problem }
              rows++
              previous = row
            }
            if (page.length < verifyPageSize) break
          }
          if (head && head.seq > previous.seq) {
            return fail(
              previous.seq + 1,
              'tail-missing',
              `Entries ${previous.seq + 1} to ${head.seq} are missing from the end of the log`,
            )
          }
          if (head && head.seq === previous.seq && head.hash !== previous.hash) {
            return fail(previous.seq, 'changed', `Entry ${previous.seq} does not match the recorded head`)
          }
          if (head && head.seq < previous.seq) {
            return fail(head.seq + 1, 'unrecorded', `Entries after ${head.seq} were not written by Kestrel`)
          }
          const beyond = anchors.filter((a) => a.seq > previous.seq).sort((a, b) => a.seq - b.seq)[0]
          if (beyond) {
            return fail(
              beyond.seq,
              'checkpoint-missing',
              `Entry ${beyond.seq}, checkpointed at ${beyond.at}, is missing: the log ends at entry ${previous.seq}, so entries were cut from its end (and its head rewound)`,
            )
          }
          return { ok: true, rows, firstProblem: undefined }
        })
    },
  }
}

export type AccessLogService = ReturnType<typeof accessLogService>
