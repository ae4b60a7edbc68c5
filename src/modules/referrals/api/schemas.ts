import { z } from 'zod'
import { isoInstant } from '../../../platform/time-schemas.ts'
import {
  aboutKinds,
  bragRatings,
  concernCategories,
  outcomes,
  pacStages,
  reviewDecisions,
  riskLevels,
} from '../pac.ts'
import type { PacSummary } from '../service.ts'

/** The PAC API's shapes: what it answers with, and what each route takes. */

export const tags = ['PACs']
export const instant = isoInstant('must be a date and time like 2018-08-01T09:30:00Z')
export const toDate = (v: string | null | undefined) =>
  v === undefined ? undefined : v === null ? null : new Date(v)

export const pacResponse = z.object({
  id: z.string(),
  ref: z.string(),
  child: z.object({ id: z.string(), ref: z.string(), name: z.string() }),
  aboutKind: z.enum(aboutKinds),
  aboutRef: z.string().nullable(),
  aboutSummary: z.string(),
  concerns: z.array(z.enum(concernCategories)),
  riskLevel: z.enum(riskLevels),
  riskAssessment: z.string(),
  childSpokenTo: z.boolean(),
  voiceOfChild: z.string(),
  policeFirstKnewAt: z.date(),
  createdAt: z.date(),
  submittedAt: z.date(),
  raisedBy: z.object({ staffId: z.string().nullable(), name: z.string() }),
  borough: z.object({ id: z.string(), name: z.string() }),
  bcuId: z.string().nullable(),
  review: z
    .object({
      at: z.date(),
      by: z.string().nullable(),
      decision: z.enum(reviewDecisions),
      note: z.string().nullable(),
    })
    .nullable(),
  sharedWithMashAt: z.date().nullable(),
  mash: z.object({
    brag: z.enum(bragRatings).nullable(),
    ratedAt: z.date().nullable(),
    decisionAt: z.date().nullable(),
  }),
  outcome: z
    .object({ outcome: z.enum(outcomes), reason: z.string().nullable(), feedbackAt: z.date().nullable() })
    .nullable(),
  followUp: z.object({ text: z.string(), at: z.date() }).nullable(),
  stage: z.enum(pacStages as [string, ...string[]]),
  version: z.number().describe('Send back on PATCH; a stale version gets 409'),
})

export function toResponse(p: PacSummary): z.input<typeof pacResponse> {
  return {
    id: p.id,
    ref: p.ref,
    child: { id: p.personId, ref: p.childRef, name: p.childName },
    aboutKind: p.aboutKind,
    aboutRef: p.aboutRef,
    aboutSummary: p.aboutSummary,
    concerns: p.concerns,
    riskLevel: p.riskLevel,
    riskAssessment: p.riskAssessment,
    childSpokenTo: p.childSpokenTo,
    voiceOfChild: p.voiceOfChild,
    policeFirstKnewAt: p.policeFirstKnewAt,
    createdAt: p.createdAt,
    submittedAt: p.submittedAt,
    raisedBy: { staffId: p.raisedByStaffId, name: p.raisedByName },
    borough: { id: p.boroughId, name: p.boroughName },
    bcuId: p.bcuId,
    review:
      p.reviewedAt && p.reviewDecision
        ? { at: p.reviewedAt, by: p.reviewedByName, decision: p.reviewDecision, note: p.reviewNote }
        : null,
    sharedWithMashAt: p.sharedWithMashAt,
    mash: { brag: p.mashBrag, ratedAt: p.mashRatedAt, decisionAt: p.mashDecisionAt },
    outcome: p.outcome ? { outcome: p.outcome, reason: p.outcomeReason, feedbackAt: p.feedbackAt } : null,
    followUp: p.followUp && p.followUpAt ? { text: p.followUp, at: p.followUpAt } : null,
    stage: p.stage,
    version: p.version,
  }
}

export const createBody = z
  .object({
    child: z.string().trim().min(1, 'is required').describe('The child: Kestrel person id or ref'),
    aboutKind: z.enum(aboutKinds),
    aboutRef: z.string().trim().max(100).optional(),
    aboutSummary: z.string().trim().min(1, 'is required').max(5000),
    concerns: z.array(z.enum(concernCategories)).min(1, 'select at least one'),
    riskLevel: z.enum(riskLevels),
    riskAssessment: z.string().trim().min(1, 'is required').max(5000),
    childSpokenTo: z.boolean(),
    voiceOfChild: z.string().trim().min(1, 'is required').max(5000),
    policeFirstKnewAt: instant,
    boroughId: z.string().uuid('must be a borough id'),
  })
  .strict()

export const patchBody = z
  .object({
    version: z.number().int().min(1),
    reviewedAt: instant.nullable(),
    reviewDecision: z.enum(reviewDecisions).nullable(),
    reviewNote: z.string().max(5000).nullable(),
    sharedWithMashAt: instant.nullable(),
    mashBrag: z.enum(bragRatings, { message: 'must be blue, red, amber or green' }).nullable(),
    mashRatedAt: instant.nullable(),
    mashDecisionAt: instant.nullable(),
    outcome: z.enum(outcomes).nullable(),
    outcomeReason: z.string().max(5000).nullable(),
    feedbackAt: instant.nullable(),
    followUp: z.string().max(5000).nullable(),
    followUpAt: instant.nullable(),
  })
  .partial()
  .required({ version: true })
  .strict()

export const resubmitBody = z
  .object({
    version: z.number().int().min(1),
    concerns: z.array(z.enum(concernCategories)).min(1, 'select at least one').optional(),
    riskAssessment: z.string().trim().min(1, 'is required').max(5000).optional(),
    voiceOfChild: z.string().trim().min(1, 'is required').max(5000).optional(),
  })
  .strict()

export const listQuery = z
  .object({
    child: z.string().max(200).optional().describe('Person id or ref'),
    boroughId: z.string().uuid().optional(),
    bcuId: z.string().uuid().optional(),
    stage: z.enum(pacStages as [string, ...string[]]).optional(),
    brag: z.enum(bragRatings).optional(),
    createdFrom: instant.optional(),
    createdTo: instant.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict()

export const idParams = z.object({ id: z.string().uuid('must be a PAC id') })

export const outcomeBody = z
  .object({
    version: z.number().int().min(1),
    outcome: z.enum(outcomes),
    outcomeReason: z.string().trim().max(5000).nullable().optional(),
    feedbackAt: instant.optional().describe('Default: now'),
  })
  .strict()
