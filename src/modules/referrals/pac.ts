import type { FieldError } from '../../platform/http/errors.ts'
import { type Strand, strandLabels, strands } from '../organisation/strands.ts'

/**
 * The PAC (Merlin pre-assessment check): what an officer records when a child comes to police notice with
 * concerns for their safety, and its path through a supervisor to the MASH and children's social care.
 * Pure definitions and checks; the service does the writing.
 */

/** What brought the child to notice. The linked record's module may not exist yet: its ref is kept as text. */
export const aboutKinds = [
  'incident',
  'missing_episode',
  'custody_detention',
  'investigation',
  'offender',
] as const
export type AboutKind = (typeof aboutKinds)[number]
export const aboutLabels: Record<AboutKind, string> = {
  incident: 'An incident',
  missing_episode: 'A missing episode',
  custody_detention: 'A detention in police custody',
  investigation: 'An investigation',
  offender: 'An offender (for example a registered sex offender with access to the child)',
}

/** A PAC's concern categories are the force's 12 safeguarding strands (organisation/strands.ts). */
export const concernCategories = strands
export type ConcernCategory = Strand
export const concernLabels = strandLabels

export const riskLevels = ['standard', 'medium', 'high'] as const
export type RiskLevel = (typeof riskLevels)[number]
export const riskLabels: Record<RiskLevel, string> = { standard: 'Standard', medium: 'Medium', high: 'High' }

export const reviewDecisions = ['approved', 'returned'] as const
export type ReviewDecision = (typeof reviewDecisions)[number]
export const reviewDecisionLabels: Record<ReviewDecision, string> = {
  approved: 'Approved: share with the MASH',
  returned: 'Returned to the officer for more work',
}

/** The MASH's rating, which sets how fast it must decide (REF-04). */
export const bragRatings = ['blue', 'red', 'amber', 'green'] as const
export type BragRating = (typeof bragRatings)[number]
export const bragLabels: Record<BragRating, string> = {
  blue: 'Blue',
  red: 'Red',
  amber: 'Amber',
  green: 'Green',
}
/** Most urgent first, for the MASH queue. */
export const bragUrgency: Record<BragRating, number> = { red: 0, amber: 1, green: 2, blue: 3 }

export const outcomes = ['nfa', 'early_help', 'section_17', 'section_47', 'already_open'] as const
export type Outcome = (typeof outcomes)[number]
export const outcomeLabels: Record<Outcome, string> = {
  nfa: 'No further action',
  early_help: 'Early help',
  section_17: 'Child in need (Children Act 1989 s17)',
  section_47: 'Child protection enquiries (Children Act 1989 s47)',
  already_open: 'Already open to children’s social care',
}

export const textLimit = 5000

/** What an officer records when raising a PAC. */
export interface PacInput {
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
  boroughId: string
}

/** Everything after raising: each step is optional, but each must follow the one before it. */
export interface PacProgress {
  reviewedAt?: Date | null
  reviewDecision?: ReviewDecision | null
  reviewNote?: string | null
  sharedWithMashAt?: Date | null
  mashBrag?: BragRating | null
  mashRatedAt?: Date | null
  mashDecisionAt?: Date | null
  outcome?: Outcome | null
  outcomeReason?: string | null
  feedbackAt?: Date | null
  followUp?: string | null
  followUpAt?: Date | null
}

const isDate = (value: unknown): value is Date => value instanceof Date && !Number.isNaN(value.getTime())

function notInFuture(errors: FieldError[], field: string, value: Date | null | undefined, now: Date) {
  if (value && value.getTime() > now.getTime()) errors.push({ field, reason: 'must not be in the future' })
}

/** Checks what an officer enters when raising a PAC; every problem is named by its field. */
export function validatePacInput(input: Partial<PacInput>, now: Date): FieldError[] {
  const errors: FieldError[] = []
  if (!input.personId) errors.push({ field: 'child', reason: 'Select the child the PAC is about' })
  if (!input.aboutKind || !aboutKinds.includes(input.aboutKind)) {
    errors.push({ field: 'aboutKind', reason: 'Select what brought the child to police notice' })
  }
  if (input.aboutRef && input.aboutRef.length > 100) {
    errors.push({ field: 'aboutRef', reason: 'Reference must be 100 characters or fewer' })
  }
  if (!input.aboutSummary?.trim()) errors.push({ field: 'aboutSummary', reason: 'Enter what happened' })
  else if (input.aboutSummary.length > textLimit) {
    errors.push({ field: 'aboutSummary', reason: `What happened must be ${textLimit} characters or fewer` })
  }
  const concerns = input.concerns ?? []
  if (concerns.length === 0) errors.push({ field: 'concerns', reason: 'Select at least one concern' })
  else if (concerns.some((c) => !concernCategories.includes(c))) {
    errors.push({ field: 'concerns', reason: 'Select concerns from the list' })
  }
  if (!input.riskLevel || !riskLevels.includes(input.riskLevel)) {
    errors.push({ field: 'riskLevel', reason: 'Select the risk level: standard, medium or high' })
  }
  if (!input.riskAssessment?.trim())
    errors.push({ field: 'riskAssessment', reason: 'Enter your risk assessment' })
  else if (input.riskAssessment.length > textLimit) {
    errors.push({
      field: 'riskAssessment',
      reason: `Risk assessment must be ${textLimit} characters or fewer`,
    })
  }
  if (typeof input.childSpokenTo !== 'boolean') {
    errors.push({ field: 'childSpokenTo', reason: 'Select whether you spoke to the child' })
  }
  if (!input.voiceOfChild?.trim()) {
    errors.push({
      field: 'voiceOfChild',
      reason:
        input.childSpokenTo === false
          ? 'Enter why the child was not spoken to'
          : 'Enter what the child said, in their own words',
    })
  } else if (input.voiceOfChild.length > textLimit) {
    errors.push({
      field: 'voiceOfChild',
      reason: `Voice of the child must be ${textLimit} characters or fewer`,
    })
  }
  if (!isDate(input.policeFirstKnewAt)) {
    errors.push({ field: 'policeFirstKnewAt', reason: 'Enter when the police first knew of the concern' })
  } else {
    notInFuture(errors, 'policeFirstKnewAt', input.policeFirstKnewAt, now)
  }
  if (!input.boroughId) errors.push({ field: 'borough', reason: 'Select the borough' })
  return errors
}

/**
 * Checks the later steps against the PAC and each other: nothing dated before the PAC was created or in
 * the future, no MASH step before the PAC was shared, no outcome without it.
 */
export function validatePacProgress(
  pac: { createdAt: Date; policeFirstKnewAt: Date },
  progress: PacProgress,
  now: Date,
): FieldError[] {
  const errors: FieldError[] = []
  const times: [keyof PacProgress, Date | null | undefined][] = [
    ['reviewedAt', progress.reviewedAt],
    ['sharedWithMashAt', progress.sharedWithMashAt],
    ['mashRatedAt', progress.mashRatedAt],
    ['mashDecisionAt', progress.mashDecisionAt],
    ['feedbackAt', progress.feedbackAt],
    ['followUpAt', progress.followUpAt],
  ]
  for (const [field, value] of times) {
    if (value === null || value === undefined) continue
    if (!isDate(value)) {
      errors.push({ field, reason: 'must be a real date and time' })
      continue
    }
    if (value.getTime() < pac.createdAt.getTime()) {
      errors.push({ field, reason: 'must not be before the PAC was created' })
    }
    notInFuture(errors, field, value, now)
  }
  const after = (
    field: keyof PacProgress,
    value: Date | null | undefined,
    earlier: Date | null | undefined,
    what: string,
  ) => {
    if (isDate(value) && isDate(earlier) && value.getTime() < earlier.getTime()) {
      errors.push({ field, reason: `must not be before ${what}` })
    }
  }
  if ((progress.reviewedAt ?? null) !== null || progress.reviewDecision) {
    if (!progress.reviewedAt)
      errors.push({ field: 'reviewedAt', reason: 'Enter when the supervisor reviewed it' })
    if (!progress.reviewDecision || !reviewDecisions.includes(progress.reviewDecision)) {
      errors.push({ field: 'reviewDecision', reason: 'Select approved or returned for more work' })
    }
    if (progress.reviewDecision === 'returned' && !progress.reviewNote?.trim()) {
      errors.push({ field: 'reviewNote', reason: 'Enter what more work is needed' })
    }
  }
  if (progress.reviewNote && progress.reviewNote.length > textLimit) {
    errors.push({ field: 'reviewNote', reason: `Note must be ${textLimit} characters or fewer` })
  }
  const shared = progress.sharedWithMashAt ?? null
  if (shared) {
    if (progress.reviewDecision === 'returned') {
      errors.push({
        field: 'sharedWithMashAt',
        reason: 'a PAC returned for more work cannot be shared with the MASH',
      })
    }
    after('sharedWithMashAt', shared, progress.reviewedAt, 'the supervisor review')
  }
  if (
    progress.mashBrag !== null &&
    progress.mashBrag !== undefined &&
    !bragRatings.includes(progress.mashBrag)
  ) {
    errors.push({ field: 'mashBrag', reason: 'must be blue, red, amber or green' })
  }
  const mashFields: [keyof PacProgress, unknown][] = [
    ['mashBrag', progress.mashBrag],
    ['mashRatedAt', progress.mashRatedAt],
    ['mashDecisionAt', progress.mashDecisionAt],
  ]
  for (const [field, value] of mashFields) {
    if (value !== null && value !== undefined && !shared) {
      errors.push({ field, reason: 'the PAC has not been shared with the MASH' })
    }
  }
  if (progress.mashRatedAt && !progress.mashBrag)
    errors.push({ field: 'mashBrag', reason: 'Select the BRAG rating' })
  if (progress.mashDecisionAt && !progress.mashBrag) {
    errors.push({ field: 'mashBrag', reason: 'Select the BRAG rating the decision was made under' })
  }
  after('mashRatedAt', progress.mashRatedAt, shared, 'the PAC was shared with the MASH')
  after('mashDecisionAt', progress.mashDecisionAt, shared, 'the PAC was shared with the MASH')
  after('mashDecisionAt', progress.mashDecisionAt, progress.mashRatedAt, 'the BRAG rating')
  if (progress.outcome !== null && progress.outcome !== undefined) {
    if (!outcomes.includes(progress.outcome))
      errors.push({ field: 'outcome', reason: 'Select an outcome from the list' })
    if (!shared) errors.push({ field: 'outcome', reason: 'the PAC has not been shared with the MASH' })
    if (progress.outcome === 'nfa' && !progress.outcomeReason?.trim()) {
      errors.push({ field: 'outcomeReason', reason: 'Enter why social care took no further action' })
    }
    if (!progress.feedbackAt)
      errors.push({ field: 'feedbackAt', reason: 'Enter when social care gave the outcome' })
  } else if (progress.feedbackAt) {
    errors.push({ field: 'outcome', reason: 'Select the outcome social care gave' })
  }
  if (progress.outcomeReason && progress.outcomeReason.length > textLimit) {
    errors.push({ field: 'outcomeReason', reason: `Reason must be ${textLimit} characters or fewer` })
  }
  after('feedbackAt', progress.feedbackAt, shared, 'the PAC was shared with the MASH')
  if (progress.followUpAt && !progress.followUp?.trim()) {
    errors.push({ field: 'followUp', reason: 'Enter what the police did to follow up' })
  }
  if (progress.followUp?.trim() && !progress.followUpAt) {
    errors.push({ field: 'followUpAt', reason: 'Enter when the police followed up' })
  }
  if (progress.followUp && progress.followUp.length > textLimit) {
    errors.push({ field: 'followUp', reason: `Follow-up must be ${textLimit} characters or fewer` })
  }
  // One message per field is enough for a person to act on.
  return errors.filter((e, i) => errors.findIndex((o) => o.field === e.field) === i)
}

/** Where a PAC is in its path, for lists and filters. */
export type PacStage =
  | 'awaiting_review'
  | 'returned'
  | 'awaiting_share'
  | 'with_mash'
  | 'awaiting_outcome'
  | 'closed'
export const stageLabels: Record<PacStage, string> = {
  awaiting_review: 'Awaiting supervisor review',
  returned: 'Returned for more work',
  awaiting_share: 'Approved, not yet shared',
  with_mash: 'With the MASH',
  awaiting_outcome: 'Awaiting social care outcome',
  closed: 'Outcome recorded',
}
export const pacStages = Object.keys(stageLabels) as PacStage[]

export function stageOf(p: PacProgress): PacStage {
  if (p.outcome) return 'closed'
  if (p.mashDecisionAt) return 'awaiting_outcome'
  if (p.sharedWithMashAt) return 'with_mash'
  if (p.reviewDecision === 'approved') return 'awaiting_share'
  if (p.reviewDecision === 'returned') return 'returned'
  return 'awaiting_review'
}

/** Whole hours from one instant to another, for "hours waiting" in queues. */
export function hoursBetween(from: Date, to: Date): number {
  return Math.max(0, Math.floor((to.getTime() - from.getTime()) / 3_600_000))
}
