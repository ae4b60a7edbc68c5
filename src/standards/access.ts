import { allow } from '../platform/access/access.ts'
import { type KindOfRecord, recordKind } from '../platform/access/need-to-know.ts'
import { staffRoles } from '../platform/access/roles.ts'

/**
 * Who may see a finding and who may act on one, declared once: the pages, the API and the CLI ask these
 * same constants.
 */

interface FindingPlaceRow {
  boroughId: string | null
  assigneeTeamId: string | null
  assigneeStaffId: string | null
}

/**
 * A finding lies in the borough of the record it is about (stored on it when the rule ran), so it follows
 * that borough when it moves BCU; the team and the member of staff it is assigned to see it wherever it lies.
 */
// Typed out so that `mustSee`, an assertion, narrows the row it is given.
export const findingKind: KindOfRecord<FindingPlaceRow> = recordKind<FindingPlaceRow>({
  kind: 'finding',
  columns: {
    borough: 'finding.borough_id',
    teams: ['finding.assignee_team_id'],
    staff: ['finding.assignee_staff_id'],
  },
  placeOf: (f) => ({ boroughId: f.boroughId, teamIds: [f.assigneeTeamId], staffIds: [f.assigneeStaffId] }),
})

// ---------- role permissions, one per action ----------

/** Who reads findings within need to know (a finding's page, My work) and the rules catalogue. */
export const staffAccess = allow(...staffRoles)
/** Who runs a team's findings on "My team", and acknowledges and resolves them: supervisors and leads (an admin too, for support). */
export const teamRoles = allow('supervisor', 'bcu_lead', 'force_lead', 'admin')
/** Who lists findings through the API: those who run them, and the force's auditors. */
export const findingsApiReaders = allow('supervisor', 'bcu_lead', 'force_lead', 'dit_auditor', 'admin')
/** Who sets rule parameters. */
export const parameterSetters = allow('admin')
