import type { Selectable } from 'kysely'
import { allow } from '../../platform/access/access.ts'
import { type KindOfRecord, recordKind } from '../../platform/access/need-to-know.ts'
import { staffRoles } from '../../platform/access/roles.ts'
import type { DB } from '../../platform/db/schema.ts'

/**
 * Who may see an investigation and who may do each step of the work on it, declared once: the pages and
 * the API ask these same constants, so neither lets a role do what the other refuses.
 */

type InvestigationPlaceRow = Pick<Selectable<DB['investigation']>, 'borough_id' | 'officer_staff_id'>

/**
 * An investigation lies in the borough it was opened for; the officer it is allocated to sees it wherever it
 * lies. The team is not an owner: a team member sees another borough's case only once it is theirs.
 */
// Typed out so that `mustSee`, an assertion, narrows the row it is given.
export const investigationKind: KindOfRecord<InvestigationPlaceRow> = recordKind<InvestigationPlaceRow>({
  kind: 'investigation',
  columns: { borough: 'investigation.borough_id', staff: ['investigation.officer_staff_id'] },
  placeOf: (row) => ({ boroughId: row.borough_id, staffIds: [row.officer_staff_id] }),
})

// ---------- role permissions, one per action ----------

/** Who reads investigations (within need to know): everyone in the force; partners do not. */
export const investigationReaders = allow(...staffRoles)
/** Who opens an investigation, adds actions, records the child seen, police protection, the crime. */
export const investigationWorkers = allow(
  'officer',
  'supervisor',
  'online_csae',
  'missing_persons_unit',
  'bcu_lead',
  'admin',
)
/** Who allocates a case to an officer. */
export const investigationAllocators = allow('supervisor', 'bcu_lead', 'force_lead', 'admin')
/** Who records a supervisory review and the further work it directs. */
export const investigationReviewers = investigationAllocators
/** Who records a strategy discussion: the investigators and supervisors doing the work. */
export const strategyRecorders = investigationWorkers
/** Who records an initial child protection conference. */
export const conferenceRecorders = investigationWorkers
/** Who closes a case with its outcome. */
export const investigationClosers = investigationAllocators
/** Who sees a team's workload: the supervisors who allocate. */
export const workloadViewers = investigationAllocators
