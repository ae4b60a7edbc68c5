import { sql } from 'kysely'
import type { Executor } from '../../platform/db/database.ts'

/**
 * PACs by Merlin reference or id, read on a caller's executor, for modules that link to a PAC inside their
 * own write transaction (a missing episode, MIS-09): the referrals service reads through its own
 * connection, which would wait for ever inside a transaction on the embedded database. Read-only.
 */

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** One PAC by Merlin reference or id. */
export async function pacByRefOrId(
  q: Executor,
  key: string,
): Promise<{ id: string; ref: string; personId: string; concerns: string[] } | undefined> {
  const trimmed = key.trim()
  if (!trimmed) return undefined
  const isId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(trimmed)
  const { rows } = await sql<{ id: string; ref: string; person_id: string; concerns: string[] }>`
    select id, ref, person_id, concerns from pac
    where ${isId ? sql`id = ${trimmed}::uuid` : sql`upper(ref) = upper(${trimmed})`}`.execute(q)
  const row = rows[0]
  return row ? { id: row.id, ref: row.ref, personId: row.person_id, concerns: row.concerns } : undefined
}

/** PACs by Merlin reference or id, one query for a batch; keyed by the key as given. */
export async function pacsByRefOrId(
  q: Executor,
  keys: readonly string[],
): Promise<Map<string, { id: string; ref: string; personId: string; concerns: string[] }>> {
  const asked = [...new Set(keys.map((k) => k.trim()).filter(Boolean))]
  if (asked.length === 0) return new Map()
  const ids = asked.filter((k) => uuid.test(k)).map((k) => k.toLowerCase())
  const refs = asked.filter((k) => !uuid.test(k)).map((k) => k.toUpperCase())
  const { rows } = await sql<{ id: string; ref: string; person_id: string; concerns: string[] }>`
    select id, ref, person_id, concerns from pac
    where id = any(${ids}::uuid[]) or upper(ref) = any(${refs}::text[])`.execute(q)
  const out = new Map<string, { id: string; ref: string; personId: string; concerns: string[] }>()
  for (const key of keys) {
    const k = key.trim()
    const isId = uuid.test(k)
    const row = rows.find((r) => (isId ? r.id === k.toLowerCase() : r.ref.toUpperCase() === k.toUpperCase()))
    if (row) out.set(key, { id: row.id, ref: row.ref, personId: row.person_id, concerns: row.concerns })
  }
  return out
}
