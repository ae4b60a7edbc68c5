import { allow, permits } from '../../platform/access/access.ts'
import type { Role } from '../../platform/access/roles.ts'
import { staffRoles } from '../../platform/access/roles.ts'

/**
 * Who may read and keep the recommendations tracker, declared once for the pages and their API twins.
 *
 * A recommendation is the force's, not a record about a child or in an area: it has no borough, so need to
 * know has nothing to narrow and there is no record kind to declare with the kernel. Every staff role reads
 * the whole tracker (the report asks that staff know what good looks like and what the force is doing about
 * it); partner agencies do not, as for the force's other internal pages. An action's owner is named as staff
 * are on any record (name and team), and nothing else of them is shown, so reading the tracker is not a read
 * of personal data and is not access-logged.
 *
 * Keeping it (actions, milestones, evidence, completion) is the force's leadership's: force-wide leads and
 * admins, whose area is the force, as the report holds the force's leaders to its time frames.
 */
export const recommendationsAccess = {
  read: allow(...staffRoles),
  write: allow('force_lead', 'admin'),
}

export type RecommendationsAction = keyof typeof recommendationsAccess

export const mayDo = (action: RecommendationsAction, roles: readonly Role[]): boolean =>
  permits(recommendationsAccess[action], roles)
