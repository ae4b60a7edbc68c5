import type { FieldError } from '../../platform/http/errors.ts'
import type { Course } from '../organisation/organisation.ts'

/** The pure vocabulary and decisions of child protection investigations: no database, no clock. */

/** The nine case types the inspectors graded (HMICFRS 2018, Figure 1). */
export const caseTypes = [
  'referral_domestic_abuse',
  'referral_other',
  'section_47',
  'police_protection',
  'sex_offender_management',
  'cse_non_internet',
  'cse_online',
  'missing',
  'custody',
] as const
export type CaseType = (typeof caseTypes)[number]

export const caseTypeLabels: Record<CaseType, string> = {
  referral_domestic_abuse: 'Referral relating to domestic abuse',
  referral_other: 'Referral other than domestic abuse',
  section_47: 'Enquiry under section 47 of the Children Act 1989',
  police_protection: 'Child taken to a place of safety (section 46 police protection)',
  sex_offender_management: 'Sex offender management',
  cse_non_internet: 'Child at risk of child sexual exploitation (non-internet)',
  cse_online: 'Child at risk of child sexual exploitation (online)',
  missing: 'Child missing',
  custody: 'Child in police custody',
}

// The safeguarding strands are the force's (organisation/strands.ts), shared with the PAC's concerns.
export { type Strand, strandLabels, strands } from '../organisation/strands.ts'

export const riskLevels = ['standard', 'medium', 'high'] as const
export type RiskLevel = (typeof riskLevels)[number]

export const personRoles = ['child', 'victim', 'suspect', 'witness', 'person_posing_risk'] as const
export type PersonRole = (typeof personRoles)[number]
export const personRoleLabels: Record<PersonRole, string> = {
  child: 'Child the investigation is about',
  victim: 'Victim',
  suspect: 'Suspect',
  witness: 'Witness',
  person_posing_risk: 'Person posing a risk',
}

export const agencies = ['police', 'childrens_social_care', 'health', 'education', 'other'] as const
export type Agency = (typeof agencies)[number]
export const agencyLabels: Record<Agency, string> = {
  police: 'Police',
  childrens_social_care: "Children's social care",
  health: 'Health',
  education: 'Education',
  other: 'Other agency',
}
/** Working Together 2023: a strategy discussion involves at least social care, health and police (INV-02). */
export const minimumAgencies: readonly Agency[] = ['childrens_social_care', 'health', 'police']

export const actionKinds = ['line_of_enquiry', 'action', 'strategy_meeting'] as const
export type ActionKind = (typeof actionKinds)[number]
export const actionKindLabels: Record<ActionKind, string> = {
  line_of_enquiry: 'Line of enquiry',
  action: 'Action',
  strategy_meeting: 'Arrange a strategy meeting',
}

/**
 * The Home Office crime outcome framework (Home Office Counting Rules, outcomes 1-22), and the two ways a
 * crime record ends without an outcome: cancelled (no crime) and transferred to another force.
 */
export const outcomeLabels = {
  '1': 'Charged or summonsed',
  '2': 'Caution - youths',
  '3': 'Caution - adults',
  '4': 'Taken into consideration',
  '5': 'The offender has died',
  '6': 'Penalty notice for disorder',
  '7': 'Cannabis or khat warning',
  '8': 'Community resolution',
  '9': 'Prosecution not in the public interest (CPS)',
  '10': 'Formal action against the offender not in the public interest (police decision)',
  '11': 'Prosecution prevented - named suspect below the age of criminal responsibility',
  '12': 'Prosecution prevented - named suspect too ill to prosecute',
  '13': 'Prosecution prevented - victim or key witness dead or too ill to give evidence',
  '14': 'Evidential difficulties: suspect not identified; victim does not support further action',
  '15': 'Evidential difficulties: named suspect identified; victim supports action',
  '16': 'Evidential difficulties: named suspect identified; victim does not support further action',
  '17': 'Prosecution time limit expired',
  '18': 'Investigation complete - no suspect identified',
  '19': 'National Fraud Intelligence Bureau filed',
  '20': 'Further action undertaken by another body or agency',
  '21': 'Further investigation to support formal action not in the public interest (police decision)',
  '22': 'Diversionary, educational or intervention activity; further action not in the public interest',
  cancelled: 'Crime record cancelled (no crime)',
  transferred: 'Transferred to another force',
} as const
export type OutcomeCode = keyof typeof outcomeLabels
export const outcomeCodes = Object.keys(outcomeLabels) as OutcomeCode[]
export const isOutcomeCode = (value: string): value is OutcomeCode => value in outcomeLabels

/** Sanction outcomes: the "positive outcomes" of the report (a suspect charged, cautioned, ...). */
export const positiveOutcomes: readonly OutcomeCode[] = ['1', '2', '3', '4', '6', '7', '8']

export type OutcomeGroup = 'positive' | 'no_further_action' | 'no_crime' | 'transferred'
export function outcomeGroup(code: OutcomeCode): OutcomeGroup {
  if (positiveOutcomes.includes(code)) return 'positive'
  if (code === 'cancelled') return 'no_crime'
  if (code === 'transferred') return 'transferred'
  return 'no_further_action'
}
/** Outcomes that close a case with no further action by the police (INV-12 asks about the children). */
export const noFurtherActionOutcomes = outcomeCodes.filter((c) => outcomeGroup(c) === 'no_further_action')

/** Case types that meet the strategy discussion threshold on their own; CSE non-internet when high risk. */
export function meetsStrategyThreshold(caseType: CaseType, risk: RiskLevel): boolean {
  return (
    caseType === 'section_47' ||
    caseType === 'police_protection' ||
    (caseType === 'cse_non_internet' && risk === 'high')
  )
}

/**
 * The courses each case type needs of the officer it is allocated to (INV-06). The report names the
 * specialist child abuse investigators' development programme, the ABE interview course, IIOC training
 * and the missing persons course; which case type needs which is force configuration (a rule parameter).
 */
export type CourseRequirements = Record<CaseType, Course[]>
export const defaultCourseRequirements: CourseRequirements = {
  referral_domestic_abuse: [],
  referral_other: [],
  section_47: ['specialist_child_abuse_investigators_development_programme', 'abe_interviewing'],
  police_protection: ['abe_interviewing'],
  sex_offender_management: ['safeguarding_1_week'],
  cse_non_internet: ['abe_interviewing'],
  cse_online: ['iioc_investigation'],
  missing: ['missing_persons_5_day'],
  custody: [],
}

export interface OfficerFit {
  staffId: string
  name: string
  openCases: number
  capacity: number | null
  missingCourses: Course[]
  trainingFits: boolean
  hasCapacity: boolean
  fits: boolean
}

/**
 * Whether an officer fits a case: every course the case type needs, completed by the day, and an open
 * caseload below the team's capacity (taking this case would not put them above it).
 */
export function officerFit(
  officer: { staffId: string; name: string; courses: readonly { course: string; completedOn: string }[] },
  required: readonly Course[],
  openCases: number,
  capacity: number | null,
  day: string,
): OfficerFit {
  const held = new Set(officer.courses.filter((c) => c.completedOn <= day).map((c) => c.course))
  const missingCourses = required.filter((c) => !held.has(c))
  const hasCapacity = capacity === null || openCases + 1 <= capacity
  return {
    staffId: officer.staffId,
    name: officer.name,
    openCases,
    capacity,
    missingCourses,
    trainingFits: missingCourses.length === 0,
    hasCapacity,
    fits: missingCourses.length === 0 && hasCapacity,
  }
}

/** Officers that fit first, then by open caseload, then by name: the supervisor's shortlist. */
export function rankOfficers(fits: readonly OfficerFit[]): OfficerFit[] {
  return [...fits].sort(
    (a, b) => Number(b.fits) - Number(a.fits) || a.openCases - b.openCases || a.name.localeCompare(b.name),
  )
}

export interface ParticipantInput {
  agency: string
  name: string
  role?: string
}

export interface StrategyDiscussionInput {
  heldAt: Date | null
  participants: ParticipantInput[]
  decisions: string
  jointSafetyPlan: string
  beginsSection47: boolean
}

/** Checks a strategy discussion against its investigation; field names match the form. */
export function validateStrategyDiscussion(
  input: StrategyDiscussionInput,
  openedAt: Date,
  now: Date,
): FieldError[] {
  const errors: FieldError[] = []
  if (!input.heldAt) errors.push({ field: 'heldAt', reason: 'Enter the date and time of the discussion' })
  else if (input.heldAt > now)
    errors.push({ field: 'heldAt', reason: 'The discussion must not be in the future' })
  else if (input.heldAt < openedAt)
    errors.push({ field: 'heldAt', reason: 'The discussion must not be before the investigation was opened' })
  const named = input.participants.filter((p) => p.agency || p.name.trim())
  if (named.length === 0)
    errors.push({ field: 'participants', reason: 'Add at least one participant, with their agency and name' })
  named.forEach((p, i) => {
    if (!(agencies as readonly string[]).includes(p.agency))
      errors.push({ field: `participants.${i}.agency`, reason: `Select the agency of participant ${i + 1}` })
    if (!p.name.trim())
      errors.push({ field: `participants.${i}.name`, reason: `Enter the name of participant ${i + 1}` })
    else if (p.name.trim().length > 200)
      errors.push({ field: `participants.${i}.name`, reason: 'A name must be 200 characters or fewer' })
  })
  if (!input.decisions.trim()) errors.push({ field: 'decisions', reason: 'Enter the decisions made' })
  if (input.decisions.length > 5000)
    errors.push({ field: 'decisions', reason: 'Decisions must be 5000 characters or fewer' })
  if (input.jointSafetyPlan.length > 5000)
    errors.push({
      field: 'jointSafetyPlan',
      reason: 'The joint safety plan must be 5000 characters or fewer',
    })
  return errors
}

/** The agencies a strategy discussion lacked of the minimum (INV-02). */
export function missingAgencies(participants: readonly { agency: string }[]): Agency[] {
  const present = new Set(participants.map((p) => p.agency))
  return minimumAgencies.filter((a) => !present.has(a))
}

export interface DirectedActionInput {
  description: string
  ownerStaffId: string | null
  dueOn: string | null
}

export interface ReviewInput {
  reviewedAt: Date | null
  findings: string
  actions: DirectedActionInput[]
}

/** A supervisory review: when, what was found, and further work with due dates. */
export function validateReview(input: ReviewInput, openedAt: Date, now: Date): FieldError[] {
  const errors: FieldError[] = []
  if (!input.reviewedAt) errors.push({ field: 'reviewedAt', reason: 'Enter the date of the review' })
  else if (input.reviewedAt > now)
    errors.push({ field: 'reviewedAt', reason: 'The review must not be in the future' })
  else if (input.reviewedAt < openedAt)
    errors.push({ field: 'reviewedAt', reason: 'The review must not be before the investigation was opened' })
  if (!input.findings.trim())
    errors.push({ field: 'findings', reason: 'Enter what the review found and the direction given' })
  if (input.findings.length > 10000)
    errors.push({ field: 'findings', reason: 'Findings must be 10000 characters or fewer' })
  input.actions.forEach((a, i) => {
    if (!a.description.trim()) return
    if (a.description.length > 2000)
      errors.push({ field: `actions.${i}.description`, reason: 'An action must be 2000 characters or fewer' })
    if (!a.dueOn)
      errors.push({ field: `actions.${i}.dueOn`, reason: `Enter a due date for further work ${i + 1}` })
    else if (input.reviewedAt && a.dueOn < input.reviewedAt.toISOString().slice(0, 10))
      errors.push({
        field: `actions.${i}.dueOn`,
        reason: `Further work ${i + 1} must be due after the review`,
      })
  })
  return errors
}

export interface ClosureInput {
  outcome: string
  rationale: string
  closedAt: Date
}

export function validateClosure(input: ClosureInput, openedAt: Date, now: Date): FieldError[] {
  const errors: FieldError[] = []
  if (!input.outcome) errors.push({ field: 'outcome', reason: 'Select the outcome' })
  else if (!isOutcomeCode(input.outcome))
    errors.push({
      field: 'outcome',
      reason: `There is no outcome code ${input.outcome}: select one from the list`,
    })
  if (!input.rationale.trim()) errors.push({ field: 'rationale', reason: 'Enter the rationale for closing' })
  if (input.rationale.length > 5000)
    errors.push({ field: 'rationale', reason: 'The rationale must be 5000 characters or fewer' })
  if (input.closedAt < openedAt)
    errors.push({ field: 'closedAt', reason: 'The case cannot close before it was opened' })
  if (input.closedAt > now)
    errors.push({ field: 'closedAt', reason: 'The closure must not be in the future' })
  return errors
}

/** Whole days between two instants, rounded down (for "days since the last review"). */
export function wholeDaysBetween(from: Date, to: Date): number {
  return Math.floor((to.getTime() - from.getTime()) / 86_400_000)
}
