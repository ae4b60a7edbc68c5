import { sql } from 'kysely'
import type { Executor } from '../../../platform/db/database.ts'
import { isUuid } from '../../../platform/ids.ts'
import type { PacPlaceRow } from '../access.ts'

/**
 * PACs by Merlin reference or id, for modules that link to a PAC inside their own write transaction (a
 * missing episode, MIS-09). Read-only. Each PAC carries its place, so the caller can ask
 * need to know with `pacKind.canSee(reach, pac)` before saying anything about it.
 */

export interface PacLink extends PacPlaceRow {
  id: string
  ref: string
  personId: string
  concerns: string[]
}

interface LinkRow {
  id: string
  ref: string
  person_id: string
  concerns: string[]
  borough_id: string
  raised_by_staff_id: string | null
  raised_by_team_id: string | null
  created_by: string
}

const columns = sql`id, ref, person_id, concerns, borough_id, raised_by_staff_id, raised_by_team_id, created_by`

const toLink = (r: LinkRow): PacLink => ({
  id: r.id,
  ref: r.ref,
  personId: r.person_id,
  concerns: r.concerns,
  boroughId: r.borough_id,
  raisedByStaffId: r.raised_by_staff_id,
  raisedByTeamId: r.raised_by_team_id,
  createdBy: r.created_by,
})

/** One PAC by Merlin reference or id. */
export async function pacByRefOrId(q: Executor, key: string): Promise<PacLink | undefined> {
  const trimmed = key.trim()
  if (!trimmed) return undefined
  const { rows } = await sql<LinkRow>`
    select ${columns} from pac
    where ${isUuid(trimmed) ? sql`id = ${trimmed}::uuid` : sql`upper(ref) = upper(${trimmed})`}`.execute(q)
  const row = rows[0]
  return row ? toLink(row) : undefined
}

/** PACs by Merlin reference or id, one query for a batch; keyed by the key as given. */
export async function pacsByRefOrId(q: Executor, keys: readonly string[]): Promise<Map<string, PacLink>> {
  const asked = [...new Set(keys.map((k) => k.trim()).filter(Boolean))]
  if (asked.length === 0) return new Map()
  const ids = asked.filter((k) => isUuid(k)).map((k) => k.toLowerCase())
  const refs = asked.filter((k) => !isUuid(k)).map((k) => k.toUpperCase())
  const { rows } = await sql<LinkRow>`
    select ${columns} from pac
    where id = any(${ids}::uuid[]) or upper(ref) = any(${refs}::text[])`.execute(q)
  const out = new Map<string, PacLink>()
  for (const key of keys) {
    const k = key.trim()
    const isId = isUuid(k)
    const row = rows.find((r) => (isId ? r.id === k.toLowerCase() : r.ref.toUpperCase() === k.toUpperCase()))
    if (row) out.set(key, toLink(row))
  }
  return out
}
