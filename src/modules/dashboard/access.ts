import { allow } from '../../platform/access/access.ts'

/**
 * The dashboard shows figures, never records: counts and shares of the force's and each BCU's work, side by
 * side, so any leader may compare their area with the others. Supervisors read it for their teams' part.
 */
export const dashboardAccess = {
  read: allow('supervisor', 'bcu_lead', 'force_lead', 'dit_auditor', 'admin'),
}
