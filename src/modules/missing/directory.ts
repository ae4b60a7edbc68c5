import { sql } from 'kysely'
import type { Executor } from '../../platform/db/database.ts'

/**
 * The one read this module makes of another module's table inside its own transactions: a PAC by its
 * Merlin reference or id, to link it to an episode (MIS-09) and check it is about the same child.
 *
 * TODO(referrals service): the referrals service reads through the outer connection (which waits for ever
 * inside a transaction on the embedded database) and has no lookup by ref; once it offers one that takes
 * an executor, this goes.
 */
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
