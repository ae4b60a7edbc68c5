import { sql } from 'kysely'
import type { Executor } from '../../../platform/db/database.ts'
import { isUuid } from '../../../platform/ids.ts'
import { type StaffByKey, staffByKey } from '../../organisation/service/keys.ts'
import type { NotificationBasis, RiskLevel, RsoStatus } from '../rso.ts'

/** An RSO row as the writers and views read it. */
export interface RsoRow {
  id: string
  ref: string
  person_id: string
  status: RsoStatus
  notification_basis: NotificationBasis
  notification_start: string
  notification_end: string | null
  mappa_category: number
  mappa_level: number
  risk_level: RiskLevel
  visor_ref: string | null
  visor_recorded_at: Date | null
  address: string
  borough_id: string
  bcu_id: string | null
  ward_id: string | null
  team_id: string | null
  manager_staff_id: string | null
  created_at: Date
  updated_at: Date
  version: number
}

const rsoColumns = sql`id, ref, person_id, status, notification_basis, notification_start::text as notification_start,
  notification_end::text as notification_end, mappa_category, mappa_level, risk_level, visor_ref, visor_recorded_at, address,
  borough_id, bcu_id, ward_id, team_id, manager_staff_id, created_at, updated_at, version`

/** RSOs by ref (any case) or id, one query for a batch; keyed by the key asked. */
export async function rsosByKey(q: Executor, keys: readonly string[], forUpdate = false) {
  const asked = [...new Set(keys.map((k) => k.trim()).filter(Boolean))]
  const out = new Map<string, RsoRow>()
  if (asked.length === 0) return out
  const ids = asked.filter((k) => isUuid(k)).map((k) => k.toLowerCase())
  const refs = asked.map((k) => k.toUpperCase())
  const { rows } = await sql<RsoRow>`
    select ${rsoColumns} from rso where id = any(${ids}::uuid[]) or ref = any(${refs}::text[])
    ${forUpdate ? sql`for update` : sql``}`.execute(q)
  for (const key of asked) {
    const row = rows.find((r) => r.id === key.toLowerCase() || r.ref === key.toUpperCase())
    if (row) out.set(key, row)
  }
  return out
}

/** Wards by name (any case; a ward's name is the force's own, held by one borough), keyed by the lower-case name. */
export async function wardsByName(q: Executor, names: readonly string[]) {
  const asked = [...new Set(names.map((n) => n.trim().toLowerCase()).filter(Boolean))]
  const out = new Map<string, { id: string; boroughId: string }>()
  if (asked.length === 0) return out
  const rows = await q
    .selectFrom('ward')
    .select(['id', 'name', 'borough_id'])
    .where(sql<boolean>`lower(name) = any(${asked}::text[])`)
    .execute()
  for (const r of rows) out.set(r.name.toLowerCase(), { id: r.id, boroughId: r.borough_id })
  return out
}

/** An offender manager, as the staff lookup finds them. */
export type Manager = StaffByKey

/** Offender managers by staff number or id (the organisation's staff lookup). */
export const managersByKey = staffByKey

/** The reason a member of staff cannot manage RSOs, or null: only offender management (Jigsaw) teams do. */
export function notAManager(manager: Manager | undefined, key: string): string | null {
  if (!manager) return `There is no member of staff ${key}`
  if (manager.teamKind !== 'jigsaw')
    return `${manager.name} (${manager.staffNumber}) is not in an offender management (Jigsaw) team`
  return null
}
