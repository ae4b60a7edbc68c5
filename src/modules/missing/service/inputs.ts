import { z } from 'zod'
import { isIsoDate } from '../../../platform/time.ts'
import { coercedInstant } from '../../../platform/time-schemas.ts'
import { allGrades, reporterKinds, riskFactors } from '../grading.ts'

/*
 * What the pages, the API and the imports send: one schema per record validates the input, types the
 * code and documents the API.
 */

const text = (max: number) =>
  z.string().trim().min(1, 'enter a value').max(max, `must be ${max} characters or fewer`)
const optionalText = (max: number) =>
  z.string().trim().max(max, `must be ${max} characters or fewer`).optional()
const instant = coercedInstant('must be a date and time')
const day = z.string().refine(isIsoDate, 'must be a date like 2018-08-01')

/** A missing episode as the form, the API and the import give it; return, interviews and PAC optional. */
export const episodeInput = z
  .object({
    child: text(200).describe('The child’s person reference (KP-...) or id'),
    borough: text(200).describe('The borough the child went missing from: its name or id'),
    unit: optionalText(200).describe('The missing persons unit (team name or id); default: the borough’s'),
    reportedAt: instant,
    reportedByKind: z.enum(reporterKinds, { message: `must be one of ${reporterKinds.join(', ')}` }),
    reportedByName: optionalText(200),
    lastSeenAt: instant,
    lastSeenPlace: text(500),
    circumstances: text(4000),
    grade: z
      .string()
      .trim()
      .min(1, 'enter the risk grade')
      .describe(`One of the force’s grades: ${allGrades.join(', ')}`),
    riskFactors: z
      .array(z.enum(riskFactors, { message: `must be one of ${riskFactors.join(', ')}` }))
      .max(20)
      .default([]),
    gradingReason: optionalText(4000),
    gradedBy: text(200).describe('Who graded the risk'),
    supervisorName: optionalText(200),
    belowSuggestionReason: optionalText(4000),
    reviewDueAt: instant.optional(),
    actions: optionalText(4000),
    planAcknowledgedAt: instant.optional(),
    planAcknowledgedBy: optionalText(200),
    returnedAt: instant.optional(),
    foundPlace: optionalText(500),
    foundBy: optionalText(200),
    foundWith: optionalText(500),
    preventionInterviewAt: instant.optional(),
    preventionInterviewBy: optionalText(200),
    disclosures: optionalText(4000),
    laNotifiedAt: instant.optional(),
    returnHomeInterviewAt: instant.optional(),
    returnHomeInterviewDeclined: z.boolean().default(false),
    pac: optionalText(200).describe('The linked Merlin PAC: its ref or id'),
    pacLinkedAt: instant.optional(),
  })
  .strict()
export type EpisodeInput = z.input<typeof episodeInput>
export type EpisodeValues = z.output<typeof episodeInput>

export const reviewInput = z
  .object({
    episode: text(200).describe('The episode’s ref or id'),
    reviewedAt: instant,
    reviewerName: text(200),
    grade: z.string().trim().min(1, 'enter the risk grade'),
    reason: text(4000),
    nextReviewDueAt: instant.optional(),
  })
  .strict()
export type ReviewInput = z.input<typeof reviewInput>
export type ReviewValues = z.output<typeof reviewInput>

export const agreedWithKinds = ['carers', 'social_worker', 'parents', 'child', 'school', 'other'] as const
export const agreedWithLabels: Record<(typeof agreedWithKinds)[number], string> = {
  carers: 'Carers',
  social_worker: 'Social worker',
  parents: 'Parents',
  child: 'The child',
  school: 'School',
  other: 'Someone else',
}

export const triggerPlanInput = z
  .object({
    child: text(200).describe('The child’s person reference or id'),
    borough: optionalText(200).describe(
      'The borough that agreed the plan; default: the child’s home borough',
    ),
    placesToSearch: text(4000),
    peopleToContact: text(4000),
    risks: text(4000),
    authorName: text(200),
    agreedWith: z
      .array(z.enum(agreedWithKinds, { message: `must be one of ${agreedWithKinds.join(', ')}` }))
      .min(1, 'say who agreed the plan'),
    startDate: day,
    reviewDate: day,
    endedOn: day.optional(),
    endReason: optionalText(1000),
  })
  .strict()
export type TriggerPlanInput = z.input<typeof triggerPlanInput>
export type TriggerPlanValues = z.output<typeof triggerPlanInput>
