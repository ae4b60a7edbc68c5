import { randomUUID } from 'node:crypto'
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
  const [saved] = await saveManyByRef(trx, table, [{ ref, values, onInsert }], actor, now)
  return saved as { id: string; ref: string; created: boolean }
}

/** Rows per multi-row insert: a visit or a notification has about ten columns. */
const rowsPerInsert = 500

/**
 * Saves many records by ref as `saveByRef` saves one, in the order given: the records Kestrel holds are
 * updated one by one, the new ones inserted a few hundred a statement, and the history written in one go
 * (an import's thousands of visits would otherwise take three round trips each). A ref given twice in the
 * batch is saved line after line, the later updating the earlier, as two imports would.
 */
export async function saveManyByRef(
  trx: Transaction,
  table: RefTable,
  items: readonly {
    ref?: string | undefined
    values: Record<string, unknown>
    onInsert?: Record<string, unknown>
  }[],
  actor: Actor,
  now: Date,
): Promise<{ id: string; ref: string; created: boolean }[]> {
  const refs = items.flatMap((i) => (i.ref ? [i.ref.toUpperCase()] : []))
  if (new Set(refs).size < refs.length) {
    const out: { id: string; ref: string; created: boolean }[] = []
    for (const item of items) out.push(...(await saveManyByRef(trx, table, [item], actor, now)))
    return out
  }
  const db = trx as unknown as Untyped
  const held: Map<string, { id: string; version: number }> = new Map(
    refs.length
      ? (await db.selectFrom(table).select(['id', 'ref', 'version']).where('ref', 'in', refs).execute()).map(
          (r: { id: string; ref: string; version: number }) => [r.ref, r],
        )
      : [],
  )
  const saved: { id: string; ref: string; version: number; created: boolean }[] = []
  const inserts: Record<string, unknown>[] = []
  for (const { ref, values, onInsert } of items) {
    const record = ref ? held.get(ref.toUpperCase()) : undefined
    if (record) {
      const row = await db
        .updateTable(table)
        .set({ ...values, version: record.version + 1 })
        .where('id', '=', record.id)
        .returning(['id', 'ref', 'version'])
        .executeTakeFirstOrThrow()
      saved.push({ ...row, created: false })
    } else {
      const id = randomUUID()
      inserts.push({ id, ...values, ...onInsert, ...(ref ? { ref: ref.toUpperCase() } : {}) })
      saved.push({ id, ref: '', version: 1, created: true })
    }
  }
  const insertedRefs = new Map<string, string>()
  for (let at = 0; at < inserts.length; at += rowsPerInsert)
    for (const r of await db
      .insertInto(table)
      .values(inserts.slice(at, at + rowsPerInsert))
      .returning(['id', 'ref'])
      .execute())
      insertedRefs.set(r.id, r.ref)
  for (const s of saved) if (s.created) s.ref = insertedRefs.get(s.id) as string
  await recordMany(
    trx,
    saved.map((s, i) => ({
      table,
      id: s.id,
      version: s.version,
      action: s.created ? 'create' : 'update',
      changedBy: actor.id,
      changedAt: now,
      changes: Object.fromEntries(Object.entries(items[i]?.values ?? {}).map(([k, v]) => [k, [null, v]])),
    })),
  )
  return saved.map(({ id, ref, created }) => ({ id, ref, created }))
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
