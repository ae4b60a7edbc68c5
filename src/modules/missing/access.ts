import { allow } from '../../platform/access/access.ts'
import { type KindOfRecord, recordKind } from '../../platform/access/need-to-know.ts'
import { episodeKind as episodeSubject } from './rules.ts'

/**
 * Who may see a missing episode or a trigger plan, and who may do each step, declared once: the pages
 * and the API ask these same constants, so neither lets a role do what the other refuses.
 */

/** What need to know reads from an episode to place it. */
export interface EpisodePlaceRow {
  boroughId: string
  /** The account that opened it (text: an app user's id, or the importer's name for imported episodes). */
  createdBy: string
}

/** Missing episodes as need to know sees them. */
export const episodeKind: KindOfRecord<EpisodePlaceRow> = recordKind<EpisodePlaceRow>({
  kind: episodeSubject,
  // The borough the child went missing from; whoever opened the episode keeps it in sight, as officers
  // keep the PACs they raised. The unit team is not an owner: its staff see their area's episodes.
  columns: { borough: 'missing_episode.borough_id', users: ['missing_episode.created_by'] },
  placeOf: (e) => ({ boroughId: e.boroughId, userIds: [e.createdBy] }),
})

/** What need to know reads from a trigger plan to place it. */
export interface PlanPlaceRow {
  boroughId: string
  authorStaffId: string | null
}

/**
 * Trigger plans lie in the borough that agreed them; the member of staff who recorded the plan sees it
 * wherever it lies. Its places to search and people to contact are as sensitive as the episode.
 */
export const triggerPlanKind: KindOfRecord<PlanPlaceRow> = recordKind<PlanPlaceRow>({
  kind: 'trigger-plan',
  columns: { borough: 'trigger_plan.borough_id', staff: ['trigger_plan.author_staff_id'] },
  placeOf: (p) => ({ boroughId: p.boroughId, staffIds: [p.authorStaffId] }),
})

// ---------- role permissions, one per action ----------

/** Who reads missing episodes, trigger plans and the unit view (within need to know). */
export const missingReaders = allow(
  'missing_persons_unit',
  'officer',
  'supervisor',
  'mash',
  'bcu_lead',
  'force_lead',
  'dit_auditor',
  'admin',
)
/** Who reports a child missing and grades the risk. */
export const episodeReporters = allow('missing_persons_unit', 'officer', 'supervisor', 'admin')
/** Who records a review of the risk (a re-grading with its reason). */
export const episodeReviewers = allow('missing_persons_unit', 'officer', 'supervisor', 'admin')
/** Who records the return, the interviews, the linked PAC and that the trigger plan was read. */
export const episodeRecorders = allow('missing_persons_unit', 'officer', 'supervisor', 'admin')
/** Who agrees a trigger plan. */
export const planAgreers = allow('missing_persons_unit', 'officer', 'supervisor', 'admin')
/** Who ends a trigger plan. */
export const planEnders = allow('missing_persons_unit', 'officer', 'supervisor', 'admin')
/** Who records the staff on duty in a missing persons unit (MIS-11). */
export const dutyRecorders = allow('missing_persons_unit', 'supervisor', 'admin')
