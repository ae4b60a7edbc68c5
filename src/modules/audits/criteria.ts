import type { CaseType } from './case-types.ts'

/*
 * How an audit judges a case: the report's themes (the headings its case reviews are written under), each a
 * criterion with a judgement and a note, and the overall grade on the inspectors' three-point scale.
 */

export const grades = ['good', 'requires_improvement', 'inadequate'] as const
export type Grade = (typeof grades)[number]
export const gradeLabels: Record<Grade, string> = {
  good: 'Good',
  requires_improvement: 'Requires improvement',
  inadequate: 'Inadequate',
}

export const themes = [
  'initial_response',
  'child_seen_and_heard',
  'risk_assessment',
  'information_sharing',
  'strategy_and_multi_agency',
  'supervision',
  'investigation_and_timeliness',
  'outcome_for_child',
] as const
export type Theme = (typeof themes)[number]

export const themeLabels: Record<Theme, string> = {
  initial_response: 'Initial response',
  child_seen_and_heard: 'Child seen and heard',
  risk_assessment: 'Risk assessment',
  information_sharing: 'Information sharing and referral',
  strategy_and_multi_agency: 'Strategy discussion and multi-agency work',
  supervision: 'Supervision',
  investigation_and_timeliness: 'Investigation and timeliness',
  outcome_for_child: 'Outcome for the child',
}

export const judgements = ['met', 'partly_met', 'not_met', 'not_applicable'] as const
export type Judgement = (typeof judgements)[number]
export const judgementLabels: Record<Judgement, string> = {
  met: 'Met',
  partly_met: 'Partly met',
  not_met: 'Not met',
  not_applicable: 'Not applicable',
}

/** The question each theme asks, worded as the report frames it for the case type where it differs. */
const general: Record<Theme, string> = {
  initial_response: 'Was the first response prompt and proportionate to the risk to the child?',
  child_seen_and_heard:
    'Was the child seen and spoken to, and their views and disclosures recorded and pursued?',
  risk_assessment: 'Was the risk to the child (and to other children) assessed, recorded and acted on?',
  information_sharing:
    'Was information shared with partner agencies and a referral made when it should have been?',
  strategy_and_multi_agency:
    'Did the police take part in strategy discussions and multi-agency work, and record the decisions?',
  supervision: 'Was the case supervised, with recorded direction, at the times it should have been?',
  investigation_and_timeliness: 'Were the enquiries made thoroughly and without avoidable delay?',
  outcome_for_child: 'Was the child safer as a result of what the police did?',
}

const byCaseType: Partial<Record<CaseType, Partial<Record<Theme, string>>>> = {
  domestic_abuse_referral: {
    child_seen_and_heard:
      'Were the children in the household seen, and their experience of the abuse recorded?',
  },
  place_of_safety: {
    initial_response: 'Was the use of police protection necessary, and were alternatives considered?',
    information_sharing: 'Was children’s social care told at once, and a designated officer appointed?',
  },
  sex_offender: {
    risk_assessment:
      'Was the ARMS assessment current, and the risk to children in contact with the offender known?',
    investigation_and_timeliness: 'Were home visits made and breaches acted on in time?',
  },
  cse_online: {
    initial_response: 'Was the referral researched and risk assessed (KIRAT) promptly?',
    investigation_and_timeliness: 'Was the warrant executed and devices examined without avoidable delay?',
  },
  missing: {
    risk_assessment: 'Was the missing episode graded correctly, with the child’s history considered?',
    outcome_for_child: 'Was a prevention interview held and the reasons the child went missing addressed?',
  },
  custody: {
    initial_response: 'Was detention necessary, and an appropriate adult called without delay?',
    outcome_for_child: 'Was the child transferred to local authority accommodation where required?',
  },
}

export interface Criterion {
  theme: Theme
  label: string
  question: string
}

/** The criteria of an audit of a case type, one a theme, in the report's order. */
export function criteriaFor(caseType: CaseType): Criterion[] {
  return themes.map((theme) => ({
    theme,
    label: themeLabels[theme],
    question: byCaseType[caseType]?.[theme] ?? general[theme],
  }))
}
