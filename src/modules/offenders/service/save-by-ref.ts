import type { Transaction as KyselyTransaction } from 'kysely'
import type { Actor } from '../../../platform/access/access-log.ts'
import type { Executor, Transaction } from '../../../platform/db/database.ts'
import { recordMany } from '../../../platform/db/history.ts'

/** The offenders tables whose records another system names by ref: an import of the ref again updates it. */
export type RefTable =
  | 'rso'
  | 'rso_arms'
  | 'rso_risk_change'
  | 'rso_information'
  | 'rso_plan'
  | 'rso_visit'
  | 'rso_notification'
  | 'rso_allocation'
  | 'sexual_offence_charge'
  | 'deportee_arrival'

// Kysely cannot check a write to a table chosen at run time; each caller's values match its table's columns.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Untyped = KyselyTransaction<any>

/**
 * Saves one record by ref, kept in capitals: updates the record holding the ref (its version bumped), or
 * inserts it (with `onInsert` too, and its ref, or the table's generated one), and records the change in
 * the history. The writers of every offenders record kind save this way.
 */
export async function saveByRef(
  trx: Transaction,
  table: RefTable,
  ref: string | undefined,
  values: Record<string, unknown>,
  onInsert: Record<string, unknown>,
  actor: Actor,
  now: Date,
): Promise<{ id: string; ref: string; created: boolean }> {
  const db = trx as unknown as Untyped
  const held = ref
    ? await db
        .selectFrom(table)
        .select(['id', 'version'])
        .where('ref', '=', ref.toUpperCase())
        .executeTakeFirst()
    : undefined
  const saved: { id: string; ref: string; version: number } = held
    ? await db
        .updateTable(table)
        .set({ ...values, version: held.version + 1 })
        .where('id', '=', held.id)
        .returning(['id', 'ref', 'version'])
        .executeTakeFirstOrThrow()
    : await db
        .insertInto(table)
        .values({ ...values, ...onInsert, ...(ref ? { ref: ref.toUpperCase() } : {}) })
        .returning(['id', 'ref', 'version'])
        .executeTakeFirstOrThrow()
  await recordMany(trx, [
    {
      table,
      id: saved.id,
      version: saved.version,
      action: held ? 'update' : 'create',
      changedBy: actor.id,
      changedAt: now,
      changes: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, [null, v]])),
    },
  ])
  return { id: saved.id, ref: saved.ref, created: !held }
}

/**
 * Ids of the records holding these refs, keyed by the ref as asked: refs are kept in capitals, so a later
 * batch naming a record in another case still finds it (the import's lookup of every offenders kind).
 */
export async function idsByRef(
  q: Executor,
  table: RefTable,
  refs: readonly string[],
): Promise<Map<string, string>> {
  if (refs.length === 0) return new Map()
  const rows: { id: string; ref: string }[] = await (q as unknown as Untyped)
    .selectFrom(table)
    .select(['id', 'ref'])
    .where('ref', 'in', [...new Set(refs.map((r) => r.toUpperCase()))])
    .execute()
  const byRef = new Map(rows.map((r) => [r.ref, r.id]))
  return new Map(
    refs.flatMap((r) => (byRef.has(r.toUpperCase()) ? [[r, byRef.get(r.toUpperCase()) as string]] : [])),
  )
}
