import { forceWideRoles, type Role } from '../../../platform/access/roles.ts'
import type { Area } from '../../../platform/auth/principal.ts'
import type { Executor } from '../../../platform/db/database.ts'
import { isUuid } from '../../../platform/ids.ts'
import { bcuIdForBorough } from './areas.ts'

/**
 * Where a user's work lies on a day ('YYYY-MM-DD'): force-wide roles see the force (with their team, for
 * the work it holds); everyone else their
 * team's BCU (a borough team's BCU is the one its borough is in that day, so a reorganisation moves them
 * with it).
 */
export async function resolveArea(
  q: Executor,
  day: string,
  staffId: string | null,
  roles: readonly Role[],
): Promise<Area> {
  const forceWide = roles.some((r) => forceWideRoles.has(r))
  const none: Area = forceWide
    ? { forceWide: true, teamIds: [] }
    : { forceWide: false, bcuId: null, boroughId: null, boroughIds: [], teamIds: [] }
  if (!staffId || !isUuid(staffId)) return none
  const team = await q
    .selectFrom('staff')
    .innerJoin('team', 'team.id', 'staff.team_id')
    .select(['team.id', 'team.borough_id', 'team.bcu_id'])
    .where('staff.id', '=', staffId)
    .where('staff.active', '=', true)
    .executeTakeFirst()
  if (!team) return none
  // A force-wide reader's team still holds work (the dedicated inspection team's learning to publish).
  if (forceWide) return { forceWide: true, teamIds: [team.id] }
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
