/** The words the tracker's pages and API share for a recommendation's time frame, status and evidence. */

export const timeFrames = ['immediately', 'three_months', 'six_months'] as const
export type TimeFrame = (typeof timeFrames)[number]

export const timeFrameLabels: Record<TimeFrame, string> = {
  immediately: 'Immediately',
  three_months: 'Within three months',
  six_months: 'Within six months',
}

export const reportYears = [2016, 2018] as const

export const reportLabels: Record<number, string> = {
  2016: '2016 inspection report',
  2018: '2018 post-inspection review',
}

export const actionStatuses = ['in_progress', 'complete'] as const
export type ActionStatus = (typeof actionStatuses)[number]

export const actionStatusLabels: Record<ActionStatus, string> = {
  in_progress: 'In progress',
  complete: 'Complete',
}

/**
 * What a piece of evidence points at: a measure of the dashboard's registry (by its id), an audit programme
 * (free text until the audits module gives programmes ids), or a document (its reference).
 */
export const evidenceKinds = ['measure', 'audit', 'document'] as const
export type EvidenceKind = (typeof evidenceKinds)[number]

export const evidenceKindLabels: Record<EvidenceKind, string> = {
  measure: 'A measure on the dashboard',
  audit: 'An audit programme',
  document: 'A document',
}

/** The subject kind REC-01's findings are about, and the need-to-know log's name for it. */
export const recommendationKind = 'recommendation'
