import type { Selectable } from 'kysely'
import type { DB } from '../../../platform/db/schema.ts'
import { asDay } from '../../children/person.ts'
import type { Grade, RiskFactor } from '../grading.ts'

/* The missing module's records as the code reads them, from their rows. */

export type EpisodeRow = Selectable<DB['missing_episode']>
export type PlanRow = Selectable<DB['trigger_plan']>
export type ReviewRow = Selectable<DB['missing_review']>

export interface Episode {
  id: string
  ref: string
  personId: string
  boroughId: string
  bcuId: string | null
  unitTeamId: string | null
  reportedAt: Date
  reportedByKind: string
  reportedByName: string | null
  lastSeenAt: Date
  lastSeenPlace: string
  circumstances: string
  ageAtReport: number | null
  grade: Grade
  riskFactors: RiskFactor[]
  historyFactors: RiskFactor[]
  suggestedGrade: Grade
  gradingReason: string | null
  gradedByName: string
  supervisorName: string | null
  belowSuggestionReason: string | null
  reviewDueAt: Date | null
  actions: string | null
  triggerPlanId: string | null
  planAcknowledgedAt: Date | null
  planAcknowledgedBy: string | null
  returnedAt: Date | null
  foundPlace: string | null
  foundBy: string | null
  foundWith: string | null
  preventionInterviewAt: Date | null
  preventionInterviewBy: string | null
  disclosures: string | null
  laNotifiedAt: Date | null
  returnHomeInterviewAt: Date | null
  returnHomeInterviewDeclined: boolean
  pacId: string | null
  /** The Merlin PAC's reference in another system, when an import named one Kestrel does not hold. */
  pacExternalRef: string | null
  pacLinkedAt: Date | null
  createdBy: string
  version: number
}

export const toEpisode = (r: EpisodeRow): Episode => ({
  id: r.id,
  ref: r.ref,
  personId: r.person_id,
  boroughId: r.borough_id,
  bcuId: r.bcu_id,
  unitTeamId: r.unit_team_id,
  reportedAt: r.reported_at,
  reportedByKind: r.reported_by_kind,
  reportedByName: r.reported_by_name,
  lastSeenAt: r.last_seen_at,
  lastSeenPlace: r.last_seen_place,
  circumstances: r.circumstances,
  ageAtReport: r.age_at_report,
  grade: r.grade as Grade,
  riskFactors: r.risk_factors as RiskFactor[],
  historyFactors: r.history_factors as RiskFactor[],
  suggestedGrade: r.suggested_grade as Grade,
  gradingReason: r.grading_reason,
  gradedByName: r.graded_by_name,
  supervisorName: r.supervisor_name,
  belowSuggestionReason: r.below_suggestion_reason,
  reviewDueAt: r.review_due_at,
  actions: r.actions,
  triggerPlanId: r.trigger_plan_id,
  planAcknowledgedAt: r.plan_acknowledged_at,
  planAcknowledgedBy: r.plan_acknowledged_by,
  returnedAt: r.returned_at,
  foundPlace: r.found_place,
  foundBy: r.found_by,
  foundWith: r.found_with,
  preventionInterviewAt: r.prevention_interview_at,
  preventionInterviewBy: r.prevention_interview_by,
  disclosures: r.disclosures,
  laNotifiedAt: r.la_notified_at,
  returnHomeInterviewAt: r.return_home_interview_at,
  returnHomeInterviewDeclined: r.return_home_interview_declined,
  pacId: r.pac_id,
  pacExternalRef: r.pac_external_ref,
  pacLinkedAt: r.pac_linked_at,
  createdBy: r.created_by,
  version: r.version,
})

export interface TriggerPlan {
  id: string
  ref: string
  personId: string
  boroughId: string
  placesToSearch: string
  peopleToContact: string
  risks: string
  authorName: string
  /** The member of staff who recorded the plan in Kestrel (none for imported plans). */
  authorStaffId: string | null
  agreedWith: string[]
  startDate: string
  reviewDate: string
  endedOn: string | null
  endReason: string | null
  version: number
}

export const toPlan = (r: PlanRow): TriggerPlan => ({
  id: r.id,
  ref: r.ref,
  personId: r.person_id,
  boroughId: r.borough_id,
  placesToSearch: r.places_to_search,
  peopleToContact: r.people_to_contact,
  risks: r.risks,
  authorName: r.author_name,
  authorStaffId: r.author_staff_id,
  agreedWith: r.agreed_with,
  startDate: asDay(r.start_date),
  reviewDate: asDay(r.review_date),
  endedOn: r.ended_on === null ? null : asDay(r.ended_on),
  endReason: r.end_reason,
  version: r.version,
})

/** A plan is live on a day from its start until the day before it ended. */
export const isLiveOn = (plan: TriggerPlan, onDay: string) =>
  plan.startDate <= onDay && (plan.endedOn === null || plan.endedOn > onDay)

export interface Review {
  id: string
  reviewedAt: Date
  reviewerName: string
  grade: Grade
  reason: string
  nextReviewDueAt: Date | null
}
export const toReview = (r: ReviewRow): Review => ({
  id: r.id,
  reviewedAt: r.reviewed_at,
  reviewerName: r.reviewer_name,
  grade: r.grade as Grade,
  reason: r.reason,
  nextReviewDueAt: r.next_review_due_at,
})

/** snake_case patch keys as the Episode's camelCase fields, to check the merged record. */
export function camel(patch: Record<string, unknown>): Partial<Episode> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(patch))
    out[k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())] = v
  return out as Partial<Episode>
}
