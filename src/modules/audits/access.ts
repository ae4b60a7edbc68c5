import { allow } from '../../platform/access/access.ts'
import { type KindOfRecord, recordKind } from '../../platform/access/need-to-know.ts'
import { staffRoles } from '../../platform/access/roles.ts'

/** Where an audit lies: the audited case's borough and owning team; the auditor keeps sight of their own. */
type AuditPlace = { borough_id: string | null; team_id: string | null; auditor_staff_id: string | null }

/**
 * Auditors (the DIT) and the head of profession (force lead) hold force-wide reach in the kernel, so they
 * see every audit; a BCU sees the audits of its cases, a team those of the cases it owns.
 */
export const auditKind: KindOfRecord<AuditPlace> = recordKind<AuditPlace>({
  kind: 'audit',
  columns: { borough: 'audit.borough_id', teams: ['audit.team_id'], staff: ['audit.auditor_staff_id'] },
  placeOf: (row) => ({ boroughId: row.borough_id, teamIds: [row.team_id], staffIds: [row.auditor_staff_id] }),
})

/** The role each action needs; a page and its API twin use the same entry. */
export const auditAccess = {
  /** Audits and their figures: the auditors, leads, and the teams whose cases were audited. */
  read: allow('dit_auditor', 'force_lead', 'bcu_lead', 'supervisor', 'officer'),
  /** Recording an audit, its grade and referral back: the auditors. */
  audit: allow('dit_auditor'),
  /** The case's owner answering a referral back: its team, supervisor and BCU lead, within need to know. */
  respond: allow('officer', 'supervisor', 'bcu_lead'),
  /** Force-wide bulletins of audit learning: everyone in the force reads them. */
  bulletins: allow(...staffRoles),
  /** Programmes and their samples: the DIT, who run them, and the head of profession (force lead). */
  programmes: allow('dit_auditor', 'force_lead'),
}
