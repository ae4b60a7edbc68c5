import type { Selectable } from 'kysely'
import type { Executor } from '../../../platform/db/database.ts'
import type { Pac as PacTable } from '../../../platform/db/schema.ts'
import { isUuid } from '../../../platform/ids.ts'
import {
  type AboutKind,
  type BragRating,
  type ConcernCategory,
  type Outcome,
  type PacProgress,
  type PacStage,
  type ReviewDecision,
  type RiskLevel,
  stageOf,
} from '../pac.ts'

/** Who is acting, as the history and access log record them. */
export interface PacActor {
  id: string
  username: string
  displayName: string
  staffId: string | null
}

export interface Pac {
  id: string
  ref: string
  personId: string
  aboutKind: AboutKind
  aboutRef: string | null
  aboutSummary: string
  concerns: ConcernCategory[]
  riskLevel: RiskLevel
  riskAssessment: string
  childSpokenTo: boolean
  voiceOfChild: string
  policeFirstKnewAt: Date
  createdAt: Date
  submittedAt: Date
  raisedByStaffId: string | null
  raisedByName: string
  raisedByTeamId: string | null
  /** The account that raised it: an officer always sees their own PACs. */
  createdBy: string
  boroughId: string
  bcuId: string | null
  reviewedAt: Date | null
  reviewedByStaffId: string | null
  reviewedByName: string | null
  reviewDecision: ReviewDecision | null
  reviewNote: string | null
  sharedWithMashAt: Date | null
  mashBrag: BragRating | null
  mashRatedAt: Date | null
  mashDecisionAt: Date | null
  outcome: Outcome | null
  outcomeReason: string | null
  feedbackAt: Date | null
  followUp: string | null
  followUpAt: Date | null
  updatedAt: Date
  version: number
  stage: PacStage
}

export interface PacSummary extends Pac {
  childName: string
  childRef: string
  boroughName: string
}

export type PacRow = Selectable<PacTable>

export const toPac = (r: PacRow): Pac => {
  const progress = {
    reviewedAt: r.reviewed_at,
    reviewDecision: r.review_decision as ReviewDecision | null,
    sharedWithMashAt: r.shared_with_mash_at,
    mashDecisionAt: r.mash_decision_at,
    outcome: r.outcome as Outcome | null,
  }
  return {
    id: r.id,
    ref: r.ref,
    personId: r.person_id,
    aboutKind: r.about_kind as AboutKind,
    aboutRef: r.about_ref,
    aboutSummary: r.about_summary,
    concerns: r.concerns as ConcernCategory[],
    riskLevel: r.risk_level as RiskLevel,
    riskAssessment: r.risk_assessment,
    childSpokenTo: r.child_spoken_to,
    voiceOfChild: r.voice_of_child,
    policeFirstKnewAt: r.police_first_knew_at,
    createdAt: r.created_at,
    submittedAt: r.submitted_at,
    raisedByStaffId: r.raised_by_staff_id,
    raisedByName: r.raised_by_name,
    raisedByTeamId: r.raised_by_team_id,
    createdBy: r.created_by,
    boroughId: r.borough_id,
    bcuId: r.bcu_id,
    reviewedAt: r.reviewed_at,
    reviewedByStaffId: r.reviewed_by_staff_id,
    reviewedByName: r.reviewed_by_name,
    reviewDecision: progress.reviewDecision,
    reviewNote: r.review_note,
    sharedWithMashAt: r.shared_with_mash_at,
    mashBrag: r.mash_brag as BragRating | null,
    mashRatedAt: r.mash_rated_at,
    mashDecisionAt: r.mash_decision_at,
    outcome: progress.outcome,
    outcomeReason: r.outcome_reason,
    feedbackAt: r.feedback_at,
    followUp: r.follow_up,
    followUpAt: r.follow_up_at,
    updatedAt: r.updated_at,
    version: r.version,
    stage: stageOf(progress),
  }
}

/** Whether the actor is the officer who raised the PAC (by account, or by staff record). */
export function raisedBy(pac: Pick<Pac, 'raisedByStaffId' | 'createdBy'>, actor: PacActor): boolean {
  return pac.createdBy === actor.id || (actor.staffId !== null && pac.raisedByStaffId === actor.staffId)
}

/** One PAC's row by id; text that is not a UUID finds nothing rather than failing the query. */
export async function pacRow(q: Executor, id: string): Promise<PacRow | undefined> {
  if (!isUuid(id)) return undefined
  return q.selectFrom('pac').selectAll().where('id', '=', id).executeTakeFirst()
}

/** The fields a change may set after raising: review, MASH, outcome and follow-up. */
export type PacChange = PacProgress & { reviewedByName?: string | null; reviewedByStaffId?: string | null }

export const progressColumns: Record<keyof PacChange, string> = {
  reviewedAt: 'reviewed_at',
  reviewDecision: 'review_decision',
  reviewNote: 'review_note',
  reviewedByName: 'reviewed_by_name',
  reviewedByStaffId: 'reviewed_by_staff_id',
  sharedWithMashAt: 'shared_with_mash_at',
  mashBrag: 'mash_brag',
  mashRatedAt: 'mash_rated_at',
  mashDecisionAt: 'mash_decision_at',
  outcome: 'outcome',
  outcomeReason: 'outcome_reason',
  feedbackAt: 'feedback_at',
  followUp: 'follow_up',
  followUpAt: 'follow_up_at',
}

export function progressOf(p: Pac): PacProgress {
  return {
    reviewedAt: p.reviewedAt,
    reviewDecision: p.reviewDecision,
    reviewNote: p.reviewNote,
    sharedWithMashAt: p.sharedWithMashAt,
    mashBrag: p.mashBrag,
    mashRatedAt: p.mashRatedAt,
    mashDecisionAt: p.mashDecisionAt,
    outcome: p.outcome,
    outcomeReason: p.outcomeReason,
    feedbackAt: p.feedbackAt,
    followUp: p.followUp,
    followUpAt: p.followUpAt,
  }
}
