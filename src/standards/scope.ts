import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely'
import type { Principal } from '../platform/auth/principal.ts'
import type { DB } from '../platform/db/schema.ts'

/**
 * Whose findings a person sees on "My team" and through the findings API: the whole force; or their
 * teams' findings, plus, in their BCU, the findings no team owns (someone must see those) or, for a BCU
 * lead, every finding of the BCU.
 */
export type TeamScope =
  | { forceWide: true }
  | { forceWide: false; teamIds: readonly string[]; bcuId: string | null; wholeBcu: boolean }

/** The scope of a signed-in person, given the teams they belong to. */
export function teamScope(principal: Principal, teamIds: readonly string[]): TeamScope {
  if (principal.area.forceWide) return { forceWide: true }
  return {
    forceWide: false,
    teamIds,
    bcuId: principal.area.bcuId,
    wholeBcu: principal.roles.includes('bcu_lead'),
  }
}

interface FindingOwner {
  assigneeTeamId: string | null
  bcuId: string | null
}

/** Is this finding within the scope? The same decision as `scopeParts`, for one finding in hand. */
export function inScope(scope: TeamScope, finding: FindingOwner): boolean {
  if (scope.forceWide) return true
  if (finding.assigneeTeamId && scope.teamIds.includes(finding.assigneeTeamId)) return true
  if (!scope.bcuId || finding.bcuId !== scope.bcuId) return false
  return scope.wholeBcu || finding.assigneeTeamId === null
}

/** A condition on findings, built where the query is. */
export type FindingCondition = (eb: ExpressionBuilder<DB, 'finding'>) => Expression<SqlBool>

/**
 * The scope as conditions that do not overlap (each finding meets at most one), each matching one of the
 * open-finding indexes of migration 0014: one per team, then the BCU's part. A list reads each part in
 * index order and merges them; a count adds up each part's count. An empty list: nothing is in scope.
 */
export function scopeParts(scope: TeamScope): FindingCondition[] {
  if (scope.forceWide) return [() => sql<SqlBool>`true`]
  const { teamIds, bcuId, wholeBcu } = scope
  const parts: FindingCondition[] = teamIds.map((id) => (eb) => eb('assignee_team_id', '=', id))
  if (bcuId) {
    parts.push((eb) => {
      const unowned = eb('assignee_team_id', 'is', null)
      if (!wholeBcu) return eb.and([eb('bcu_id', '=', bcuId), unowned])
      if (!teamIds.length) return eb('bcu_id', '=', bcuId)
      // A BCU lead's own teams are parts of their own: the BCU's part leaves them out.
      const others = eb('assignee_team_id', '<>', sql<string>`all(${[...teamIds]}::uuid[])`)
      return eb.and([eb('bcu_id', '=', bcuId), eb.or([unowned, others])])
    })
  }
  return parts
}
