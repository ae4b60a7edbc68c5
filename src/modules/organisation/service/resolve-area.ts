import { forceWideRoles, type Role } from '../../../platform/access/roles.ts'
import type { Area } from '../../../platform/auth/principal.ts'
import type { Executor } from '../../../platform/db/database.ts'
import { isUuid } from '../../../platform/ids.ts'
import { bcuIdForBorough } from './areas.ts'

/**
 * Where a user's work lies on a day ('YYYY-MM-DD'): force-wide roles see the force; everyone else their
 * team's BCU (a borough team's BCU is the one its borough is in that day, so a reorganisation moves them
 * with it).
 */
export async function resolveArea(
  q: Executor,
  day: string,
  staffId: string | null,
  roles: readonly Role[],
): Promise<Area> {
  if (roles.some((r) => forceWideRoles.has(r))) return { forceWide: true }
  const none: Area = { forceWide: false, bcuId: null, boroughId: null, boroughIds: [], teamIds: [] }
  if (!staffId || !isUuid(staffId)) return none
  const team = await q
    .selectFrom('staff')
    .innerJoin('team', 'team.id', 'staff.team_id')
    .select(['team.id', 'team.borough_id', 'team.bcu_id'])
    .where('staff.id', '=', staffId)
    .where('staff.active', '=', true)
    .executeTakeFirst()
  if (!team) return none
  const bcuId = team.borough_id ? await bcuIdForBorough(q, team.borough_id, day) : team.bcu_id
  const boroughIds = bcuId
    ? (
        await q
          .selectFrom('borough_bcu')
          .select('borough_id')
          .where('bcu_id', '=', bcuId)
          .where('effective_from', '<=', day)
          .where((eb) => eb.or([eb('effective_to', 'is', null), eb('effective_to', '>=', day)]))
          .execute()
      ).map((r) => r.borough_id)
    : team.borough_id
      ? [team.borough_id]
      : []
  return { forceWide: false, bcuId, boroughId: team.borough_id, boroughIds, teamIds: [team.id] }
}
