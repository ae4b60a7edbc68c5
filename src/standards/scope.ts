import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely'
import { reachOf } from '../platform/access/need-to-know.ts'
import type { Role } from '../platform/access/roles.ts'
import type { Principal } from '../platform/auth/principal.ts'
import type { DB } from '../platform/db/schema.ts'

/**
 * Whose findings a person works on "My team": the whole force; or their teams' findings, plus, in the
 * boroughs of their area today, the findings no team owns (someone must see those) or, for a BCU lead,
 * every finding there. A work queue inside need to know: it is built from the person's reach (their teams,
 * the boroughs their BCU holds today), so it never shows a finding `findingKind` would refuse them.
 */
export type TeamScope =
  | { forceWide: true }
  | { forceWide: false; teamIds: readonly string[]; boroughIds: readonly string[]; wholeArea: boolean }

/** The queue of a signed-in person. */
export function teamScope(
  principal: Pick<Principal, 'area' | 'staffId' | 'id' | 'kind' | 'roles'>,
): TeamScope {
  const reach = reachOf(principal)
  if (reach.forceWide) return { forceWide: true }
  return {
    forceWide: false,
    teamIds: [...new Set(reach.teamIds)],
    boroughIds: [...new Set(reach.boroughIds)],
    wholeArea: principal.roles.includes('bcu_lead'),
  }
}

interface FindingOwner {
  assigneeTeamId: string | null
  boroughId: string | null
}

/** Is this finding within the queue? The same decision as `scopeParts`, for one finding in hand. */
export function inScope(scope: TeamScope, finding: FindingOwner): boolean {
  if (scope.forceWide) return true
  if (finding.assigneeTeamId && scope.teamIds.includes(finding.assigneeTeamId)) return true
  if (!finding.boroughId || !scope.boroughIds.includes(finding.boroughId)) return false
  return scope.wholeArea || finding.assigneeTeamId === null
}

/** A condition on findings, built where the query is. */
export type FindingCondition = (eb: ExpressionBuilder<DB, 'finding'>) => Expression<SqlBool>

/**
 * The queue as conditions that do not overlap (each finding meets at most one), each matching one of the
 * open-finding indexes of migrations 0014 and 0015: one per team, then one per borough of the area. A list
 * reads each part in index order and merges them; a count adds up each part's count. An empty list:
 * nothing is in the queue.
 *
 * One part per borough, not one `borough_id = any(...)`: an index on (borough, due) cannot give the rows
 * of several boroughs in due order, so PostgreSQL would sort the whole area or walk the force's index.
 */
export function scopeParts(scope: TeamScope): FindingCondition[] {
  if (scope.forceWide) return [() => sql<SqlBool>`true`]
  const { teamIds, boroughIds, wholeArea } = scope
  const parts: FindingCondition[] = teamIds.map((id) => (eb) => eb('assignee_team_id', '=', id))
  for (const boroughId of boroughIds) {
    parts.push((eb) => {
      const here = eb('borough_id', '=', boroughId)
      const unowned = eb('assignee_team_id', 'is', null)
      if (!wholeArea) return eb.and([here, unowned])
      if (!teamIds.length) return here
      // A BCU lead's own teams are parts of their own: the borough's part leaves them out.
      const others = eb('assignee_team_id', '<>', sql<string>`all(${[...teamIds]}::uuid[])`)
      return eb.and([here, eb.or([unowned, others])])
    })
  }
  return parts
}

/**
 * Roles whose work a team holds rather than a named person: the rules name a custody suite, a missing
 * persons unit, the online team (an online case before it is allocated), the dedicated inspection team
 * (learning to publish) or a team's supervisor (a review owed, a PAC awaiting review) but no one in it, so
 * those findings would reach nobody's "My work".
 */
const teamWorkRoles: readonly Role[] = [
  'supervisor',
  'custody',
  'missing_persons_unit',
  'online_csae',
  'dit_auditor',
]

/** Whether these roles hold a team's work (`teamWorkRoles`), so their teams' unnamed findings are theirs. */
export const holdsTeamWork = (roles: readonly Role[]) => roles.some((r) => teamWorkRoles.includes(r))

/**
 * Whose findings are a person's "My work": those assigned to them by name and, for a role whose work a
 * team holds, their teams' findings assigned to no one by name. A subset of what `findingKind` lets them
 * see (their own staff id and teams).
 */
export function myWorkOf(principal: Pick<Principal, 'area' | 'staffId' | 'roles'>): MyWork | null {
  if (!principal.staffId) return null
  const teams = principal.area.teamIds ?? []
  return { staffId: principal.staffId, teamIds: holdsTeamWork(principal.roles) ? [...teams] : [] }
}

export interface MyWork {
  staffId: string
  /** Teams whose findings with no one named are this person's too. */
  teamIds: readonly string[]
}

/** Is this finding someone's "My work"? The same decision as the service's SQL, for one finding in hand. */
export function isMyWork(
  work: MyWork,
  finding: { assigneeStaffId: string | null; assigneeTeamId: string | null },
): boolean {
  if (finding.assigneeStaffId) return finding.assigneeStaffId === work.staffId
  return !!finding.assigneeTeamId && work.teamIds.includes(finding.assigneeTeamId)
}
