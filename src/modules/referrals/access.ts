import { type RawBuilder, type SqlBool, sql } from 'kysely'
import { type Access, allow, permits } from '../../platform/access/access.ts'
import { type KindOfRecord, recordKind } from '../../platform/access/need-to-know.ts'
import { operationalRoles, staffRoles } from '../../platform/access/roles.ts'
import type { Area, Principal } from '../../platform/auth/principal.ts'

/**
 * Who may see a PAC and who may do each step of its path, declared once: the pages and the API ask these
 * same constants, so neither lets a role do what the other refuses.
 */

/** What need to know reads from a PAC to place it. */
export interface PacPlaceRow {
  boroughId: string
  raisedByStaffId: string | null
  raisedByTeamId: string | null
  /** The account that raised it (text: an app user's id, or 'import' for imported PACs). */
  createdBy: string
}

/** PACs as need to know sees them. */
export const pacKind: KindOfRecord<PacPlaceRow> = recordKind<PacPlaceRow>({
  kind: 'pac',
  // The borough where the concern arose; the officer, account and team that raised it see it wherever it lies.
  columns: {
    borough: 'pac.borough_id',
    staff: ['pac.raised_by_staff_id'],
    users: ['pac.created_by'],
    teams: ['pac.raised_by_team_id'],
  },
  placeOf: (p) => ({
    boroughId: p.boroughId,
    staffIds: [p.raisedByStaffId],
    userIds: [p.createdBy],
    teamIds: [p.raisedByTeamId],
  }),
})

// ---------- role permissions, one per action ----------

/** The roles any of these permissions allows, each once. */
function anyOf(...accesses: Access[]): Access {
  return allow(...new Set(accesses.flatMap((a) => (a.kind === 'roles' ? a.roles : []))))
}

/** Who raises PACs: every operational role (anyone in the force may find a child at risk). */
export const pacRaisers = allow(...operationalRoles)
/** Who reads PACs: everyone in the force; partners have their own pages. */
export const pacReaders = allow(...staffRoles)
/** Supervisor review (approve or return), and resubmitting a returned PAC for the officer who raised it. */
export const pacReviewers = allow('supervisor', 'bcu_lead', 'force_lead', 'admin')
/** Sharing an approved PAC with the MASH. */
export const pacSharers = allow('supervisor', 'mash', 'admin')
/** The MASH queue, BRAG rating and the MASH decision. */
export const pacMashRoles = allow('mash', 'force_lead', 'admin')
/** Recording social care's outcome on the force's side. */
export const pacOutcomeRecorders = allow('mash', 'admin')
/** Recording the police follow-up. */
export const pacFollowUppers = allow('officer', 'supervisor', 'mash', 'admin')
/**
 * Who may open the resubmit page: whoever may raise a PAC (only the one who raised it may resubmit it,
 * checked on the PAC) and reviewers (on the officer's behalf).
 */
export const pacResubmitters = anyOf(pacRaisers, pacReviewers)
/** Any change after raising: the union of the steps (each step is checked again with its own constant). */
export const pacWriters = anyOf(pacReviewers, pacSharers, pacMashRoles, pacOutcomeRecorders, pacFollowUppers)
/** Partner agencies (children's social care): read and answer the PACs shared with their borough. */
export const pacPartners = allow('partner')

/** Whether the principal may resubmit any returned PAC on the raising officer's behalf. */
export const supervisesPacs = (principal: Pick<Principal, 'roles'>) => permits(pacReviewers, principal.roles)

// ---------- the partner sharing rule ----------

/**
 * Partners see PACs by sharing, not by area: a PAC shared with the MASH, for the borough of the partner's
 * team (their local authority). Anything else, another borough's PAC or one not yet shared, is not found.
 */
export const partnerSharing = {
  /** The partner's borough, or null when their account is not linked to one. */
  boroughOf(area: Area): string | null {
    return area.forceWide ? null : area.boroughId
  },
  canSee(boroughId: string | null, pac: { boroughId: string; sharedWithMashAt: Date | null }): boolean {
    return boroughId !== null && pac.boroughId === boroughId && pac.sharedWithMashAt !== null
  },
  where(boroughId: string, alias = 'pac'): RawBuilder<SqlBool> {
    return sql<SqlBool>`(${sql.ref(`${alias}.borough_id`)} = ${boroughId}::uuid
      and ${sql.ref(`${alias}.shared_with_mash_at`)} is not null)`
  },
}
