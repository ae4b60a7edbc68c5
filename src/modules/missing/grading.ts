import { defaultMissingGrades, type MissingGrade, missingGradeContinuum } from '../../platform/config.ts'
import type { FieldError } from '../../platform/http/errors.ts'
import { defaultRepeatThreshold } from './repeat.ts'

/**
 * Risk grading of a missing child, as pure decisions: the grade scale, the APP risk questions, the child's
 * history turned into factors, and the suggested minimum grade with its reasoning. Nothing here reads the
 * database, so the grading page, the import and the tests share one answer.
 */

/**
 * Every grade of the APP continuum, lowest first. "absent" (no apparent risk) is the 2016 APP's lowest
 * category; the current APP calls its lowest "very low risk". A force uses a scale drawn from these.
 */
export const allGrades = missingGradeContinuum
export type Grade = MissingGrade

export const gradeLabels: Record<Grade, string> = {
  absent: 'No apparent risk (absent)',
  very_low: 'Very low risk',
  low: 'Low risk',
  medium: 'Medium risk',
  high: 'High risk',
}

/**
 * The default scale: the APP continuum the report describes (November 2016). A force sets its own with
 * KESTREL_MISSING_GRADES (the configuration checks it).
 */
export const defaultGradeScale: readonly Grade[] = defaultMissingGrades

/** The grades that mean "no apparent risk": the category the report found misused (MIS-01). */
export const lowestBand: readonly Grade[] = ['absent', 'very_low']

export const gradeRank = (grade: Grade): number => allGrades.indexOf(grade)
export const isGrade = (value: unknown): value is Grade => allGrades.includes(value as Grade)

/** The APP risk questions a grader answers (College of Policing APP, missing persons: risk assessment). */
export const riskFactors = [
  'out_of_character',
  'vulnerable_age',
  'victim_of_crime',
  'suicide_self_harm',
  'mental_health',
  'medication',
  'cse_cce_indicators',
  'looked_after',
  'known_associates',
  'previous_episodes',
  'drugs_alcohol',
  'conflict_at_home',
] as const
export type RiskFactor = (typeof riskFactors)[number]

export const riskFactorLabels: Record<RiskFactor, string> = {
  out_of_character: 'Going missing is out of character',
  vulnerable_age: 'Vulnerable through age (under 12) or infirmity',
  victim_of_crime: 'Believed to be the victim of a crime, or at risk of abuse',
  suicide_self_harm: 'Risk of suicide or self-harm',
  mental_health: 'Mental health needs',
  medication: 'Needs medication or medical care',
  cse_cce_indicators: 'Indicators of child sexual or criminal exploitation',
  looked_after: 'Looked after by the local authority',
  known_associates: 'Known association with a person posing a risk',
  previous_episodes: 'Has gone missing before',
  drugs_alcohol: 'Drug or alcohol misuse',
  conflict_at_home: 'Conflict, abuse or problems at home',
}

export const reporterKinds = ['parent', 'carer', 'childrens_home', 'school', 'other'] as const
export type ReporterKind = (typeof reporterKinds)[number]
export const reporterLabels: Record<ReporterKind, string> = {
  parent: 'Parent',
  carer: 'Carer',
  childrens_home: 'Children’s home',
  school: 'School',
  other: 'Someone else',
}

/** The child's record at the point of decision. */
export interface GradingHistory {
  /** Whole years on the day of the report; null when unknown. */
  ageAtReport: number | null
  /** Person-index flags in force that day: looked_after, cse_risk, cce_risk, mental_health... */
  flags: readonly string[]
  /** Earlier episodes (not this one) reported in the last 30, 90 and 365 days. */
  previous: { last30: number; last90: number; last365: number }
}

/** Cumulative risk: N episodes (this one included) in M days make a child repeat missing (MIS-02, MIS-03). */
export interface RepeatThreshold {
  episodes: number
  days: number
}
/** MIS-02's parameter defaults: the suggestion and the rules count repeat missing alike. */
export { defaultRepeatThreshold }

/** Factors Kestrel finds in the record itself, whatever the grader answered. */
export function historyFactors(history: GradingHistory): RiskFactor[] {
  const found: RiskFactor[] = []
  if (history.ageAtReport !== null && history.ageAtReport < 12) found.push('vulnerable_age')
  if (history.flags.includes('looked_after')) found.push('looked_after')
  if (history.flags.includes('cse_risk') || history.flags.includes('cce_risk'))
    found.push('cse_cce_indicators')
  if (history.flags.includes('mental_health')) found.push('mental_health')
  if (history.previous.last365 > 0) found.push('previous_episodes')
  return found
}

export interface Suggestion {
  grade: Grade
  /** Every factor counted: answered and found in the record, in the order of the questions. */
  factors: RiskFactor[]
  /** Why, one sentence a line, for the grading page. */
  reasons: string[]
}

/** The lowest grade of the scale at or above `grade` (a scale without "low" rounds up to "medium"). */
export function onScale(grade: Grade, scale: readonly Grade[]): Grade {
  const sorted = [...scale].sort((a, b) => gradeRank(a) - gradeRank(b))
  return sorted.find((g) => gradeRank(g) >= gradeRank(grade)) ?? (sorted.at(-1) as Grade)
}

/**
 * The suggested minimum grade from the factors answered and the child's history. A force policy, not the
 * APP's words: the APP leaves the grade to professional judgement; this is the floor below which a
 * supervisor must say why. Reasons name what drove the suggestion.
 */
export function suggestMinimumGrade(
  answered: readonly RiskFactor[],
  history: GradingHistory,
  options: { scale?: readonly Grade[]; repeat?: RepeatThreshold } = {},
): Suggestion {
  const scale = options.scale ?? defaultGradeScale
  const repeat = options.repeat ?? defaultRepeatThreshold
  const derived = historyFactors(history)
  const all = new Set<RiskFactor>([...answered, ...derived])
  const factors = riskFactors.filter((f) => all.has(f))
  const reasons: string[] = []
  for (const f of derived) {
    if (!answered.includes(f)) reasons.push(`From the child’s record: ${riskFactorLabels[f].toLowerCase()}.`)
  }
  let grade: Grade = scale.includes('absent') ? 'absent' : 'very_low'
  const raise = (to: Grade, reason: string) => {
    reasons.push(reason)
    if (gradeRank(to) > gradeRank(grade)) grade = to
  }
  const repeatMissing = history.previous.last90 + 1 >= repeat.episodes
  if (all.has('suicide_self_harm')) raise('high', 'A risk of suicide or self-harm: high risk.')
  if (all.has('cse_cce_indicators') && (all.has('victim_of_crime') || all.has('known_associates')))
    raise('high', 'Exploitation indicators with a crime or a risky associate: high risk.')
  if (all.has('vulnerable_age') && all.has('out_of_character'))
    raise('high', 'A young child going missing out of character: high risk.')
  if (factors.length >= 2)
    raise(
      'medium',
      `${factors.length} risk factors: missing, not absent, where more than one risk factor is present (inspection report 2018).`,
    )
  if (all.has('cse_cce_indicators')) raise('medium', 'Exploitation indicators: at least medium risk.')
  if (repeatMissing)
    raise(
      'medium',
      `Episode ${history.previous.last90 + 1} in ${repeat.days} days: cumulative risk, not normal behaviour for this child.`,
    )
  if (factors.length === 1)
    raise(
      'low',
      `One risk factor (${riskFactorLabels[factors[0] as RiskFactor].toLowerCase()}): at least low risk.`,
    )
  if (factors.length === 0 && !repeatMissing) reasons.push('No risk factor answered or found in the record.')
  const onForceScale = onScale(grade, scale)
  if (onForceScale !== grade)
    reasons.push(
      `${gradeLabels[grade]} is not on this force’s scale: ${gradeLabels[onForceScale].toLowerCase()}.`,
    )
  return { grade: onForceScale, factors, reasons }
}

/** A grade below the suggestion needs a supervisor and their reason; a grade must be on the force's scale. */
export function gradingErrors(
  input: { grade: string; supervisorName?: string | null; belowSuggestionReason?: string | null },
  suggestion: Grade,
  scale: readonly Grade[] = defaultGradeScale,
  field = 'grade',
): FieldError[] {
  if (!isGrade(input.grade) || !scale.includes(input.grade)) {
    return [
      {
        field,
        reason: `${JSON.stringify(input.grade)} is not a grade on this force’s scale (${scale.join(', ')})`,
      },
    ]
  }
  if (gradeRank(input.grade) >= gradeRank(suggestion)) return []
  const errors: FieldError[] = []
  if (!input.supervisorName?.trim())
    errors.push({
      field: 'supervisorName',
      reason: `Grading below the suggested ${gradeLabels[suggestion].toLowerCase()} needs a supervisor: enter their name`,
    })
  if (!input.belowSuggestionReason?.trim())
    errors.push({
      field: 'belowSuggestionReason',
      reason: `Enter the supervisor’s reason for grading below ${gradeLabels[suggestion].toLowerCase()}`,
    })
  return errors
}

/** The times of an episode in a possible order: the bad-input checks the form, the API and the import share. */
export function episodeTimeErrors(
  e: {
    reportedAt: Date
    lastSeenAt: Date
    reviewDueAt?: Date | null | undefined
    returnedAt?: Date | null | undefined
    preventionInterviewAt?: Date | null | undefined
    laNotifiedAt?: Date | null | undefined
    returnHomeInterviewAt?: Date | null | undefined
  },
  now: Date,
): FieldError[] {
  const errors: FieldError[] = []
  const t = (d: Date | null | undefined) => (d ? d.getTime() : null)
  if (e.reportedAt > now) errors.push({ field: 'reportedAt', reason: 'The report time is in the future' })
  if (e.lastSeenAt > e.reportedAt)
    errors.push({ field: 'lastSeenAt', reason: 'The child was last seen after the report was made' })
  const reviewDue = t(e.reviewDueAt)
  if (reviewDue !== null && reviewDue < e.reportedAt.getTime())
    errors.push({ field: 'reviewDueAt', reason: 'The review time is before the report' })
  const returned = t(e.returnedAt)
  if (returned !== null) {
    if (returned < e.reportedAt.getTime() && returned < e.lastSeenAt.getTime())
      errors.push({ field: 'returnedAt', reason: 'The child returned before they were last seen' })
    else if (returned < e.reportedAt.getTime())
      errors.push({
        field: 'returnedAt',
        reason: 'The return is before the report: returned before reported',
      })
    if (returned > now.getTime())
      errors.push({ field: 'returnedAt', reason: 'The return time is in the future' })
  }
  const after = (field: string, at: Date | null | undefined, label: string) => {
    const v = t(at)
    if (v === null) return
    if (returned === null) errors.push({ field, reason: `Record the return before the ${label}` })
    else if (v < returned) errors.push({ field, reason: `The ${label} is before the child returned` })
    if (v > now.getTime()) errors.push({ field, reason: `The ${label} is in the future` })
  }
  after('preventionInterviewAt', e.preventionInterviewAt, 'prevention interview')
  after('returnHomeInterviewAt', e.returnHomeInterviewAt, 'return home interview')
  const notified = t(e.laNotifiedAt)
  if (notified !== null && notified < e.reportedAt.getTime())
    errors.push({ field: 'laNotifiedAt', reason: 'The local authority was notified before the report' })
  return errors
}

/** Age bands for the unit's view of live episodes. */
export function ageBand(age: number | null): string {
  if (age === null) return 'Age not known'
  if (age < 12) return 'Under 12'
  if (age < 16) return '12 to 15'
  return '16 and 17'
}
