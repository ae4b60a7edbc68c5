import { allow } from '../../platform/access/access.ts'
import { type KindOfRecord, type Reach, reachOf, recordKind } from '../../platform/access/need-to-know.ts'
import type { Principal } from '../../platform/auth/principal.ts'

/** Where a team lies for the skills audit: its borough (a BCU team: a borough of its BCU today) and itself. */
export interface TeamPlace {
  /** The team's borough; for a BCU's team, any borough of that BCU today; null for a force-wide team. */
  placeBoroughId: string | null
  teamId: string
}

/**
 * A team's people and their training gaps lie where the team does: a BCU lead's area holds every borough of
 * their BCU, so a team of a borough or of the BCU itself is theirs; the team's own members reach it wherever
 * it lies (a force-wide team's supervisor); force-wide roles see every team.
 */
export const auditedTeamKind: KindOfRecord<TeamPlace> = recordKind<TeamPlace>({
  kind: 'skills-team',
  columns: { borough: 'team.borough_id', teams: ['team.id'] },
  placeOf: (row) => ({ boroughId: row.placeBoroughId, teamIds: [row.teamId] }),
})

/** STF-01's findings are about a member of staff. */
export const staffMemberKind = 'staff-member'

/**
 * Need to know for the audit: force-wide roles see the force, a BCU lead their BCU, anyone else (a
 * supervisor) only their own team: their area's boroughs are left out, so only the team reaches them.
 */
export function skillsReach(principal: Principal): Reach {
  const reach = reachOf(principal)
  if (reach.forceWide || principal.roles.includes('bcu_lead')) return reach
  return { ...reach, boroughIds: [] }
}

export const skillsAccess = {
  /** The audit's pages and API: figures, and people's gaps within need to know. */
  read: allow('supervisor', 'bcu_lead', 'force_lead', 'dit_auditor', 'admin'),
  /** Booking a course for someone: those who plan a team's training. */
  book: allow('supervisor', 'bcu_lead', 'force_lead', 'admin'),
  /** Changing the training matrix. */
  configure: allow('admin'),
}
