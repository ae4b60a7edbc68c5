import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import { sql } from 'kysely'
import type { Clock } from '../clock.ts'
import type { Config } from '../config.ts'
import { type Database, inTransaction } from '../db/database.ts'
import type { ScheduledJob } from '../jobs.ts'
import { type Anchor, genesisHash, readHead } from './access-log.ts'

/**
 * Anchors for the access log. The chain shows an edited or removed entry, and the head row a cut tail, but
 * someone able to write the database can cut the tail and rewind the head together; the log then verifies
 * as a shorter, intact chain. A checkpoint copies the head (seq and hash) somewhere the database cannot
 * rewind; `kestrel audit verify --checkpoint FILE` then proves every checkpointed entry is still there.
 */

export interface Checkpoint {
  seq: number
  hash: string
  /** When it was taken, ISO. */
  at: string
}

/** One line of a checkpoint file, and the body posted to an endpoint. */
interface CheckpointRecord extends Checkpoint {
  kestrel: 'access-log-checkpoint'
  /** sha256 of the file's line before (64 zeros on the first line): an edited line breaks the next one's link. */
  prev?: string
  /** HMAC-SHA256 of the rest under KESTREL_AUDIT_CHECKPOINT_KEY, when one is set. */
  mac?: string
}

export type CheckpointSettings = Config['auditCheckpoint']

export class CheckpointError extends Error {}

/** One number for checkpointers, so two never link their lines to the same previous line. */
const checkpointLock = 0x6b63_6b70 // "kckp"
const postTimeoutMs = 10_000

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

function macOf(record: CheckpointRecord, key: string): string {
  const signed = JSON.stringify([record.kestrel, record.seq, record.hash, record.at, record.prev ?? null])
  return createHmac('sha256', key).update(signed).digest('hex')
}

function recordOf(checkpoint: Checkpoint, key: string | undefined, prev?: string): CheckpointRecord {
  const record: CheckpointRecord = {
    kestrel: 'access-log-checkpoint',
    seq: checkpoint.seq,
    hash: checkpoint.hash,
    at: checkpoint.at,
    ...(prev === undefined ? {} : { prev }),
  }
  return key ? { ...record, mac: macOf(record, key) } : record
}

/** The line that follows `previousLine` (none for the first) in a checkpoint file. */
export function checkpointLine(
  checkpoint: Checkpoint,
  previousLine: string | undefined,
  key?: string,
): string {
  return JSON.stringify(
    recordOf(checkpoint, key, previousLine === undefined ? genesisHash : sha256(previousLine)),
  )
}

const hex64 = /^[0-9a-f]{64}$/

/** The JSON of a checkpoint line: a file's line as it is, a syslog line from after its header. */
const syslogHeader = / access-log-checkpoint - (\{.*)$/

/**
 * The checkpoints in a checkpoint file, each line checked against the one before and, given the key,
 * its signature. Throws CheckpointError naming the first line that is wrong. Lines collected from syslog or
 * an endpoint (the same JSON without `prev`, syslog lines with their header) are read too, each on its own.
 */
export function readCheckpoints(
  text: string,
  key: string | undefined,
  name = 'the checkpoint file',
): Anchor[] {
  const lines = text.split('\n')
  // Every line Kestrel writes ends in a newline: anything after the last one is a line cut short.
  const torn = lines.pop()
  if (torn) throw new CheckpointError(`Line ${lines.length + 1} of ${name} is incomplete`)
  if (lines.length === 0) throw new CheckpointError(`${name} holds no checkpoints`)
  const anchors: Anchor[] = []
  let linked: boolean | undefined
  let previous: string | undefined
  lines.forEach((line, index) => {
    const n = index + 1
    let record: CheckpointRecord
    try {
      record = JSON.parse(
        line.startsWith('<') ? (syslogHeader.exec(line)?.[1] ?? '') : line,
      ) as CheckpointRecord
    } catch {
      throw new CheckpointError(`Line ${n} of ${name} is not a checkpoint`)
    }
    if (
      record?.kestrel !== 'access-log-checkpoint' ||
      !Number.isSafeInteger(record.seq) ||
      record.seq < 0 ||
      typeof record.hash !== 'string' ||
      !hex64.test(record.hash) ||
      typeof record.at !== 'string' ||
      (record.prev !== undefined && typeof record.prev !== 'string')
    )
      throw new CheckpointError(`Line ${n} of ${name} is not a checkpoint`)
    // A file Kestrel appended to links every line; a collection of posted or logged ones links none.
    linked ??= record.prev !== undefined
    if (linked !== (record.prev !== undefined))
      throw new CheckpointError(
        `Line ${n} of ${name} ${linked ? 'is not linked to the line before' : 'is linked, unlike line 1'}: a line was changed or inserted`,
      )
    const expected = previous === undefined ? genesisHash : sha256(previous)
    if (linked && record.prev !== expected)
      throw new CheckpointError(
        n === 1
          ? `Line 1 of ${name} is not the first checkpoint Kestrel wrote: lines were removed from the start`
          : `Line ${n} of ${name} does not follow line ${n - 1}: a line was changed, removed or inserted`,
      )
    if (key) {
      const mac = typeof record.mac === 'string' ? Buffer.from(record.mac, 'hex') : undefined
      const right = Buffer.from(macOf(record, key), 'hex')
      if (!mac || mac.length !== right.length || !timingSafeEqual(mac, right))
        throw new CheckpointError(
          `Line ${n} of ${name} is not signed with KESTREL_AUDIT_CHECKPOINT_KEY: it was not written by Kestrel with this key`,
        )
    } else if (record.mac !== undefined) {
      throw new CheckpointError(
        `${name} is signed: set KESTREL_AUDIT_CHECKPOINT_KEY to the key it was written with to check it`,
      )
    }
    anchors.push({ seq: record.seq, hash: record.hash, at: record.at })
    previous = line
  })
  return anchors
}

/** The file's last line, read from its end; undefined for an empty or missing file. */
function lastLine(file: string): string | undefined {
  let fd: number
  try {
    fd = fs.openSync(file, 'r')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  try {
    const size = fs.fstatSync(fd).size
    if (size === 0) return undefined
    const length = Math.min(size, 64 * 1024)
    const tail = Buffer.alloc(length)
    fs.readSync(fd, tail, 0, length, size - length)
    const text = tail.toString('utf8')
    if (!text.endsWith('\n'))
      throw new CheckpointError(`${file} ends with an incomplete line: look at it before checkpointing again`)
    return text.slice(0, -1).split('\n').at(-1)
  } finally {
    fs.closeSync(fd)
  }
}

function appendToFile(file: string, checkpoint: Checkpoint, key: string | undefined) {
  try {
    const line = checkpointLine(checkpoint, lastLine(file), key)
    const fd = fs.openSync(file, 'a', 0o640)
    try {
      fs.writeSync(fd, `${line}\n`)
      fs.fsyncSync(fd)
    } finally {
      fs.closeSync(fd)
    }
  } catch (error) {
    if (error instanceof CheckpointError) throw error
    throw new CheckpointError(
      `Cannot write the checkpoint file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    )
  }
}

/** The endpoint without any credentials in it, for messages. */
function safeUrl(url: string): string {
  const parsed = new URL(url)
  return `${parsed.origin}${parsed.pathname}`
}

async function post(url: string, checkpoint: Checkpoint, key: string | undefined) {
  // fetch takes no credentials in a URL: user:password@ in the setting becomes basic authentication.
  const target = new URL(url)
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (target.username || target.password) {
    const user = decodeURIComponent(target.username)
    const password = decodeURIComponent(target.password)
    headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`
    target.username = ''
    target.password = ''
  }
  let response: Response
  try {
    response = await fetch(target, {
      method: 'POST',
      headers,
      body: JSON.stringify(recordOf(checkpoint, key)),
      signal: AbortSignal.timeout(postTimeoutMs),
    })
  } catch (error) {
    const cause = (error as { cause?: Error }).cause?.message ?? (error as Error).message
    throw new CheckpointError(`Cannot post the checkpoint to ${safeUrl(url)}: ${cause}`)
  }
  await response.body?.cancel()
  if (!response.ok)
    throw new CheckpointError(`Posting the checkpoint to ${safeUrl(url)} was answered ${response.status}`)
}

/** RFC 5424: facility log audit (13), severity notice (5), so a syslog collector files it with audit records. */
export function syslogLine(checkpoint: Checkpoint, key: string | undefined): string {
  const record = JSON.stringify(recordOf(checkpoint, key))
  return `<109>1 ${checkpoint.at} ${os.hostname()} kestrel ${process.pid} access-log-checkpoint - ${record}`
}

/** Where checkpoints go, for messages. */
export function describeSink(settings: CheckpointSettings): string {
  const { sink } = settings
  if (sink.kind === 'file') return sink.path
  if (sink.kind === 'http') return safeUrl(sink.url)
  return 'standard error (syslog format)'
}

/**
 * Takes the access log's head and writes it to the configured sink. The head must match the entry it names,
 * or nothing is written: anchoring a head that is already wrong would vouch for it.
 */
export async function takeCheckpoint(
  db: Database,
  clock: Clock,
  settings: CheckpointSettings,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<Checkpoint> {
  const checkpoint = await inTransaction(db, async (trx) => {
    await sql`select pg_advisory_xact_lock(${checkpointLock})`.execute(trx)
    const head = await readHead(trx)
    const entry =
      head.seq === 0
        ? { hash: genesisHash }
        : await trx.selectFrom('access_log').select('hash').where('seq', '=', head.seq).executeTakeFirst()
    if (entry?.hash !== head.hash)
      throw new CheckpointError(
        `The access log's head (entry ${head.seq}) does not match the log: run "kestrel audit verify"; no checkpoint was written`,
      )
    const taken = { seq: head.seq, hash: head.hash, at: clock.now().toISOString() }
    // Inside the lock, so two checkpointers on one file take turns.
    if (settings.sink.kind === 'file') appendToFile(settings.sink.path, taken, settings.key)
    return taken
  })
  if (settings.sink.kind === 'http') await post(settings.sink.url, checkpoint, settings.key)
  if (settings.sink.kind === 'log') log(syslogLine(checkpoint, settings.key))
  return checkpoint
}

/** A quarter of an hour: the most a rewind made between checkpoints could hide from verify --checkpoint. */
export const checkpointIntervalMinutes = 15

/** The scheduled checkpoint a server takes (platform/jobs.ts): pg-boss on PostgreSQL, a timer on PGlite. */
export function checkpointJob(db: Database, clock: Clock, settings: CheckpointSettings): ScheduledJob {
  return {
    name: 'access-log-checkpoint',
    everyMinutes: checkpointIntervalMinutes,
    run: async () => {
      await takeCheckpoint(db, clock, settings)
    },
    failed: (error) => console.error(`Access log checkpoint failed: ${error.message}`),
  }
}
