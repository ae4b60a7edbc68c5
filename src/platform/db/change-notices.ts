import type { Executor } from './database.ts'

/** Rows of `table` a write changed (their ids), heard before the write commits, on its transaction. */
export type ChangeListener = (trx: Executor, table: string, ids: readonly string[]) => Promise<void>

/**
 * The one way a write tells whoever reads its rows that they changed: the person index (`person`), the
 * organisation's pages (`team`, `staff`, `borough`). The standards engine listens, and re-evaluates the rules
 * depending on those rows (`dependsOn`) in the same transaction, as an import's batch does by table.
 */
export function changeNotices() {
  const listeners: ChangeListener[] = []
  return {
    listen(listener: ChangeListener) {
      listeners.push(listener)
    },
    async notify(trx: Executor, table: string, ids: readonly string[]) {
      if (ids.length === 0) return
      for (const listener of listeners) await listener(trx, table, ids)
    },
  }
}

export type ChangeNotices = ReturnType<typeof changeNotices>
