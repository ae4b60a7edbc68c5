import type { Insertable, Selectable, Updateable } from 'kysely'
import type { Clock } from '../../../platform/clock.ts'
import type { Transaction } from '../../../platform/db/database.ts'
import { type HistoryService, insertRecords } from '../../../platform/db/history.ts'
import type { DB } from '../../../platform/db/schema.ts'

/** The tables whose batches are written by ref (episodes, reviews, trigger plans). */
export type MissingTable = 'missing_episode' | 'missing_review' | 'trigger_plan'

/**
 * A batch's records of one table, written by ref: a ref Kestrel already holds is updated in place (a
 * re-run import); new records are queued and inserted together by `flush`. A ref that comes again later
 * in the batch updates the queued record, which is written first, as two imports one after the other would.
 */
export async function byRefWriter<T extends MissingTable>(
  trx: Transaction,
  deps: { clock: Clock; history: HistoryService },
  table: T,
  submissions: readonly { ref?: string }[],
  actor: string,
) {
  const refs = [...new Set(submissions.flatMap((s) => (s.ref ? [s.ref] : [])))]
  const held = new Map<string, { id: string; version: number; pending?: boolean }>()
  if (refs.length)
    for (const r of await trx
      .selectFrom(table as MissingTable)
      .select(['id', 'ref', 'version'])
      .where('ref', 'in', refs)
      .execute())
      held.set(r.ref as string, { id: r.id, version: r.version })
  let pending: { row: Insertable<DB[T]> & { id: string }; written: { ref: string } }[] = []
  const flush = async () => {
    const rows = await insertRecords(
      trx,
      table,
      pending.map((p) => p.row),
      { id: actor },
      deps.clock.now(),
    )
    // A record given no ref has the one the database made for it.
    for (const p of pending)
      p.written.ref = (rows.get(p.row.id) as { ref?: string | null } | undefined)?.ref ?? p.written.ref
    pending = []
  }
  return {
    flush,
    /** Updates the record already holding this ref; undefined when none does. */
    async update(ref: string | undefined, values: Updateable<DB[T]>): Promise<Selectable<DB[T]> | undefined> {
      let existing = ref ? held.get(ref) : undefined
      if (!ref || !existing) return undefined
      if (existing.pending) {
        await flush()
        existing = { id: existing.id, version: 1 }
      }
      const row = await deps.history.updateRecord(trx, table, existing.id, existing.version, values, {
        id: actor,
      })
      held.set(ref, { id: existing.id, version: (row as { version: number }).version })
      return row
    },
    /** Queues a new record (with its ref, when the line gave one) for the next flush. */
    queue(ref: string | undefined, row: Insertable<DB[T]> & { id: string }, written: { ref: string }) {
      pending.push({ row: { ...row, ...(ref ? { ref } : {}) }, written })
      if (ref) held.set(ref, { id: row.id, version: 1, pending: true })
    },
  }
}
