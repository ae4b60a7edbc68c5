import type { Insertable, Kysely, Selectable, Transaction, Updateable } from 'kysely'
import type { Clock } from '../clock.ts'
import { ConflictError, NotFoundError } from '../http/errors.ts'
import { inTransaction } from './database.ts'
import type { DB } from './schema.ts'

/**
 * Every domain record keeps its history and an optimistic-lock version. Writes go through insertRecord
 * and updateRecord, which bump the version, refuse a stale one with a 409 and write a change_history row
 * with what changed, in the caller's transaction.
 */

/** The tables whose records carry an id and a version: the ones these helpers can write. */
export type VersionedTable = {
  [T in keyof DB]: DB[T] extends { id: unknown; version: unknown } ? T : never
}[keyof DB]

type Executor = Kysely<DB> | Transaction<DB>

/** Who made the change; a Principal fits. */
export interface ChangeAuthor {
  id: string
}

/** Field by field, what a change did: [before, after]. */
export type FieldChanges = Record<string, [unknown, unknown]>

export interface HistoryEntry {
  version: number
  action: 'create' | 'update' | 'delete'
  changedBy: string
  changedAt: Date
  changes: FieldChanges
}

/** Columns every write touches anyway; recording them in each change would only add noise. */
const bookkeeping = new Set(['id', 'version'])

/** Values as they would compare once stored: dates by instant, arrays and objects by their JSON. */
function comparable(value: unknown): string {
  if (value instanceof Date) return `date:${value.getTime()}`
  if (value === undefined) return 'null'
  return JSON.stringify(value)
}

/** The fields whose values differ between two versions of a row, limited to the fields a patch named. */
export function changedFields(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  fields: Iterable<string>,
): FieldChanges {
  const changes: FieldChanges = {}
  for (const field of fields) {
    if (bookkeeping.has(field)) continue
    const old = before[field] ?? null
    const next = after[field] ?? null
    if (comparable(old) !== comparable(next)) changes[field] = [old, next]
  }
  return changes
}

/** One change_history row, as a set-wise writer that bypasses insertRecord/updateRecord records it. */
export interface HistoryRow {
  table: string
  id: string
  version: number
  action: HistoryEntry['action']
  changedBy: string
  changedAt: Date
  /** Usually field by field, [before, after]; set-wise writers may record a summary instead. */
  changes: FieldChanges | Record<string, unknown>
}

/** Rows per insert: seven parameters each, well inside PostgreSQL's 65,535 per statement. */
const rowsPerInsert = 1000

/**
 * Records many changes at once, for writers that upsert set-wise (imports, merges, bulk moves) and so
 * cannot go through insertRecord one row at a time. Takes the executor so it writes in the caller's
 * transaction: the change and its history commit or roll back together.
 */
export async function recordMany(executor: Executor, rows: readonly HistoryRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += rowsPerInsert) {
    await executor
      .insertInto('change_history')
      .values(
        rows.slice(i, i + rowsPerInsert).map((row) => ({
          record_table: row.table,
          record_id: row.id,
          version: row.version,
          action: row.action,
          changed_by: row.changedBy,
          changed_at: row.changedAt,
          changes: JSON.stringify(row.changes),
        })),
      )
      .execute()
  }
}

// Kysely cannot check a query over a table chosen at run time; the public signatures carry the types.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Untyped = Transaction<any>

/** Rows per multi-row insert of records: a device or an episode has some 20 columns, 500 rows stay well inside. */
const recordsPerInsert = 500

/**
 * Inserts many new records of one table at version 1, a few statements for the lot, with a 'create' history
 * row for each recording every field it was created with (as `insertRecord` does one at a time). Rows carry
 * the ids their writer chose, so the writer can refer to them before they exist; returned by id.
 */
export async function insertRecords<T extends VersionedTable>(
  executor: Executor,
  table: T,
  rows: readonly (Insertable<DB[T]> & { id: string })[],
  author: ChangeAuthor,
  at: Date,
): Promise<Map<string, Selectable<DB[T]>>> {
  const out = new Map<string, Selectable<DB[T]>>()
  const history: HistoryRow[] = []
  for (let i = 0; i < rows.length; i += recordsPerInsert) {
    const chunk = rows.slice(i, i + recordsPerInsert)
    const inserted = (await (executor as Untyped)
      .insertInto(table as string)
      .values(chunk)
      .returningAll()
      .execute()) as (Record<string, unknown> & { id: string; version: number })[]
    const byId = new Map(inserted.map((r) => [r.id, r]))
    for (const { id } of chunk) {
      const row = byId.get(id)
      if (!row) throw new Error(`internal: ${table} ${id} was not inserted`)
      out.set(id, row as Selectable<DB[T]>)
      history.push({
        table,
        id,
        version: row.version,
        action: 'create',
        changedBy: author.id,
        changedAt: at,
        changes: changedFields({}, row, Object.keys(row)),
      })
    }
  }
  await recordMany(executor, history)
  return out
}

/**
 * Bound to an executor: the database, or an import's transaction (every write takes its own executor and
 * joins it; `historyFor` reads on the one bound).
 */
export function historyService(db: Executor, clock: Clock) {
  async function writeHistory(
    trx: Transaction<DB>,
    table: string,
    id: string,
    version: number,
    action: HistoryEntry['action'],
    author: ChangeAuthor,
    changes: FieldChanges,
  ) {
    await recordMany(trx, [
      { table, id, version, action, changedBy: author.id, changedAt: clock.now(), changes },
    ])
  }

  return {
    recordMany,

    /** Inserts a record at version 1 and records every field it was created with. */
    async insertRecord<T extends VersionedTable>(
      executor: Executor,
      table: T,
      values: Insertable<DB[T]>,
      author: ChangeAuthor,
    ): Promise<Selectable<DB[T]>> {
      return inTransaction(executor, async (trx) => {
        const row = (await (trx as Untyped)
          .insertInto(table as string)
          .values(values)
          .returningAll()
          .executeTakeFirstOrThrow()) as Record<string, unknown>
        const id = String(row.id)
        const changes = changedFields({}, row, Object.keys(row))
        await writeHistory(trx, table, id, Number(row.version), 'create', author, changes)
        return row as Selectable<DB[T]>
      })
    },

    /**
     * Applies a patch if the record is still at the version the user read. The row is locked first, so
     * of two concurrent edits from the same version one wins and the other gets a 409, never a lost update.
     */
    async updateRecord<T extends VersionedTable>(
      executor: Executor,
      table: T,
      id: string,
      expectedVersion: number,
      patch: Updateable<DB[T]>,
      author: ChangeAuthor,
    ): Promise<Selectable<DB[T]>> {
      return inTransaction(executor, async (trx) => {
        const untyped = trx as Untyped
        const name = table as string
        const before = (await untyped
          .selectFrom(name)
          .selectAll()
          .where('id', '=', id)
          .forUpdate()
          .executeTakeFirst()) as Record<string, unknown> | undefined
        if (!before) throw new NotFoundError('This record does not exist or has been removed')
        if (before.version !== expectedVersion) throw new ConflictError()
        const fields = Object.keys(patch as object).filter((field) => !bookkeeping.has(field))
        const after = (await untyped
          .updateTable(name)
          .set({ ...(patch as object), version: expectedVersion + 1 })
          .where('id', '=', id)
          .where('version', '=', expectedVersion)
          .returningAll()
          .executeTakeFirst()) as Record<string, unknown> | undefined
        if (!after) throw new ConflictError()
        await writeHistory(
          trx,
          table,
          id,
          expectedVersion + 1,
          'update',
          author,
          changedFields(before, after, fields),
        )
        return after as Selectable<DB[T]>
      })
    },

    /** Removes a record still at the version the user read, keeping its last values in the history. */
    async deleteRecord<T extends VersionedTable>(
      executor: Executor,
      table: T,
      id: string,
      expectedVersion: number,
      author: ChangeAuthor,
    ): Promise<void> {
      await inTransaction(executor, async (trx) => {
        const untyped = trx as Untyped
        const name = table as string
        const before = (await untyped
          .selectFrom(name)
          .selectAll()
          .where('id', '=', id)
          .forUpdate()
          .executeTakeFirst()) as Record<string, unknown> | undefined
        if (!before) throw new NotFoundError('This record does not exist or has been removed')
        if (before.version !== expectedVersion) throw new ConflictError()
        await untyped.deleteFrom(name).where('id', '=', id).execute()
        const changes = changedFields(before, {}, Object.keys(before))
        await writeHistory(trx, table, id, expectedVersion + 1, 'delete', author, changes)
      })
    },

    /** A record's history, oldest first. */
    async historyFor(table: VersionedTable, id: string): Promise<HistoryEntry[]> {
      const rows = await db
        .selectFrom('change_history')
        .select(['version', 'action', 'changed_by', 'changed_at', 'changes'])
        .where('record_table', '=', table)
        .where('record_id', '=', id)
        .orderBy('id')
        .execute()
      return rows.map((row) => ({
        version: row.version,
        action: row.action as HistoryEntry['action'],
        changedBy: row.changed_by,
        changedAt: row.changed_at,
        changes: row.changes as FieldChanges,
      }))
    },
  }
}

export type HistoryService = ReturnType<typeof historyService>
