import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { type Access, permits } from '../../platform/access/access.ts'
import { reachOf } from '../../platform/access/need-to-know.ts'
import type { Principal } from '../../platform/auth/principal.ts'
import { apiRoute } from '../../platform/http/api.ts'
import { ForbiddenError, NotFoundError, ValidationError } from '../../platform/http/errors.ts'
import type { Services } from '../../services.ts'
import {
  pacFollowUppers,
  pacMashRoles,
  pacOutcomeRecorders,
  pacPartners,
  pacRaisers,
  pacReaders,
  pacResubmitters,
  pacReviewers,
  pacSharers,
  pacWriters,
  supervisesPacs,
} from './access.ts'
import {
  aboutKinds,
  bragRatings,
  concernCategories,
  outcomes,
  pacStages,
  reviewDecisions,
  riskLevels,
} from './pac.ts'
import { actorOf } from './routes.ts'
import { type PacChange, type PacSummary, requirePartnerBorough } from './service.ts'

const tags = ['PACs']
const instant = z.iso.datetime({ offset: true, message: 'must be a date and time like 2018-08-01T09:30:00Z' })
const toDate = (v: string | null | undefined) =>
  v === undefined ? undefined : v === null ? null : new Date(v)

const pacResponse = z.object({
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

function toResponse(p: PacSummary): z.input<typeof pacResponse> {
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

const createBody = z
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

const patchBody = z
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

const resubmitBody = z
  .object({
    version: z.number().int().min(1),
    concerns: z.array(z.enum(concernCategories)).min(1, 'select at least one').optional(),
    riskAssessment: z.string().trim().min(1, 'is required').max(5000).optional(),
    voiceOfChild: z.string().trim().min(1, 'is required').max(5000).optional(),
  })
  .strict()

const listQuery = z
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

/** Which step each PATCH field belongs to, and so which role permission it needs (as on the page). */
const patchSteps: { what: string; access: Access; fields: readonly (keyof PacChange)[] }[] = [
  {
    what: 'a supervisor review',
    access: pacReviewers,
    fields: ['reviewedAt', 'reviewDecision', 'reviewNote'],
  },
  { what: 'sharing with the MASH', access: pacSharers, fields: ['sharedWithMashAt'] },
  { what: 'MASH decisions', access: pacMashRoles, fields: ['mashBrag', 'mashRatedAt', 'mashDecisionAt'] },
  { what: 'outcomes', access: pacOutcomeRecorders, fields: ['outcome', 'outcomeReason', 'feedbackAt'] },
  { what: 'a follow-up', access: pacFollowUppers, fields: ['followUp', 'followUpAt'] },
]

const idParams = z.object({ id: z.string().uuid('must be a PAC id') })

const outcomeBody = z
  .object({
    version: z.number().int().min(1),
    outcome: z.enum(outcomes),
    outcomeReason: z.string().trim().max(5000).nullable().optional(),
    feedbackAt: instant.optional().describe('Default: now'),
  })
  .strict()

/** The PAC API: create, read, list and update for the force; partners read and answer their borough's. */
export function referralsApiRoutes(app: FastifyInstance, services: Services) {
  const { referrals } = services

  apiRoute(app, {
    method: 'POST',
    url: '/api/v1/pacs',
    access: pacRaisers,
    summary: 'Raise a PAC for a child',
    tags,
    body: createBody,
    response: pacResponse,
    status: 201,
    handler: async ({ body, principal }) => {
      const person = await referrals.people.find(body.child)
      if (!person)
        throw new ValidationError([{ field: 'child', reason: 'there is no person with this id or ref' }])
      const created = await referrals.create(
        {
          personId: person.id,
          aboutKind: body.aboutKind,
          aboutRef: body.aboutRef ?? null,
          aboutSummary: body.aboutSummary,
          concerns: body.concerns,
          riskLevel: body.riskLevel,
          riskAssessment: body.riskAssessment,
          childSpokenTo: body.childSpokenTo,
          voiceOfChild: body.voiceOfChild,
          policeFirstKnewAt: new Date(body.policeFirstKnewAt),
          boroughId: body.boroughId,
        },
        actorOf(principal),
      )
      return toResponse((await referrals.get(created.id)) as PacSummary)
    },
  })

  apiRoute(app, {
    method: 'GET',
    url: '/api/v1/pacs',
    access: pacReaders,
    summary: 'List PACs in your area, newest first, with filters',
    tags,
    query: listQuery,
    response: z.object({ total: z.number(), pacs: z.array(pacResponse) }),
    handler: async ({ query, principal, request }) => {
      let personId: string | undefined
      if (query.child) {
        const person = await referrals.people.find(query.child)
        if (!person) return { total: 0, pacs: [] }
        personId = person.id
      }
      const { items, total } = await referrals.list(
        {
          personId,
          boroughId: query.boroughId,
          bcuId: query.bcuId,
          stage: query.stage as PacSummary['stage'] | undefined,
          brag: query.brag,
          createdFrom: query.createdFrom ? new Date(query.createdFrom) : undefined,
          createdTo: query.createdTo ? new Date(query.createdTo) : undefined,
          limit: query.limit,
          offset: query.offset,
        },
        reachOf(principal),
      )
      await referrals.recordListRead(
        actorOf(principal),
        `${request.method} ${request.url}`,
        items,
        request.id,
      )
      return { total, pacs: items.map(toResponse) }
    },
  })

  apiRoute(app, {
    method: 'GET',
    url: '/api/v1/pacs/:id',
    access: pacReaders,
    summary: 'Read a PAC',
    tags,
    params: idParams,
    response: pacResponse,
    handler: async ({ params, principal }) =>
      toResponse(await referrals.read(params.id, reachOf(principal), actorOf(principal), 'api')),
  })

  apiRoute(app, {
    method: 'PATCH',
    url: '/api/v1/pacs/:id',
    access: pacWriters,
    summary: 'Record the review, MASH, outcome or follow-up of a PAC',
    description:
      'Send the version you read; a stale version gets 409. Each step must follow the one before it: no MASH ' +
      'rating or outcome before the PAC is shared, nothing dated before the PAC or in the future. Each step ' +
      'needs the role its page needs (403 otherwise, nothing changed).',
    tags,
    params: idParams,
    body: patchBody,
    response: pacResponse,
    handler: async ({ params, body, principal }) => {
      const steps = patchSteps.filter((step) => step.fields.some((field) => field in body))
      if (!steps.length)
        throw new ValidationError([{ field: 'body', reason: 'name at least one field to change' }])
      for (const step of steps)
        if (!permits(step.access, principal.roles))
          throw new ForbiddenError(`Your role may not record ${step.what}`)
      await referrals.read(params.id, reachOf(principal), actorOf(principal), 'api update')
      const { version, ...rest } = body
      const change: PacChange = {
        ...rest,
        reviewedAt: toDate(rest.reviewedAt),
        sharedWithMashAt: toDate(rest.sharedWithMashAt),
        mashRatedAt: toDate(rest.mashRatedAt),
        mashDecisionAt: toDate(rest.mashDecisionAt),
        feedbackAt: toDate(rest.feedbackAt),
        followUpAt: toDate(rest.followUpAt),
      }
      for (const key of Object.keys(change) as (keyof PacChange)[])
        if (change[key] === undefined) delete change[key]
      if ('reviewDecision' in body) {
        change.reviewedByName = principal.displayName
        change.reviewedByStaffId = principal.staffId
      }
      await referrals.update(params.id, version, change, actorOf(principal), reachOf(principal))
      return toResponse((await referrals.get(params.id)) as PacSummary)
    },
  })

  apiRoute(app, {
    method: 'PATCH',
    url: '/api/v1/pacs/:id/resubmit',
    access: pacResubmitters,
    summary: 'Amend a PAC returned for more work and resubmit it for supervisor review',
    description:
      'For the officer who raised the PAC, or a supervisor. Send the version you read; a stale version gets ' +
      '409. Fields left out keep their values. The supervisor review clock starts again from now.',
    tags,
    params: idParams,
    body: resubmitBody,
    response: pacResponse,
    handler: async ({ params, body, principal }) => {
      const { version, ...changes } = body
      await referrals.resubmit(params.id, version, changes, actorOf(principal), {
        reach: reachOf(principal),
        onBehalf: supervisesPacs(principal),
      })
      return toResponse((await referrals.get(params.id)) as PacSummary)
    },
  })

  // Partners: only PACs shared with the MASH for their own borough (access.ts); anything else is not found.
  const boroughOf = (principal: Principal) => requirePartnerBorough(principal.area)

  apiRoute(app, {
    method: 'GET',
    url: '/api/v1/partner/pacs',
    access: pacPartners,
    summary: 'PACs shared with your borough (partner agencies)',
    tags,
    query: z.object({ awaitingOutcome: z.enum(['true', 'false']).optional() }).strict(),
    response: z.object({ pacs: z.array(pacResponse) }),
    handler: async ({ query, principal, request }) => {
      const pacs = await referrals.partner.list(boroughOf(principal), {
        awaitingOutcome: query.awaitingOutcome === 'true',
      })
      await referrals.recordListRead(actorOf(principal), `${request.method} ${request.url}`, pacs, request.id)
      return { pacs: pacs.map(toResponse) }
    },
  })

  apiRoute(app, {
    method: 'GET',
    url: '/api/v1/partner/pacs/:id',
    access: pacPartners,
    summary: 'Read a PAC shared with your borough',
    tags,
    params: idParams,
    response: pacResponse,
    handler: async ({ params, principal }) =>
      toResponse(await referrals.partner.read(params.id, boroughOf(principal), actorOf(principal))),
  })

  apiRoute(app, {
    method: 'PUT',
    url: '/api/v1/partner/pacs/:id/outcome',
    access: pacPartners,
    summary: 'Record children’s social care outcome on a PAC shared with your borough',
    tags,
    params: idParams,
    body: outcomeBody,
    response: pacResponse,
    handler: async ({ params, body, principal }) => {
      const borough = boroughOf(principal)
      await referrals.partner.recordOutcome(
        params.id,
        body.version,
        {
          outcome: body.outcome,
          outcomeReason: body.outcomeReason ?? null,
          feedbackAt: body.feedbackAt ? new Date(body.feedbackAt) : undefined,
        },
        borough,
        actorOf(principal),
      )
      const pac = await referrals.get(params.id)
      if (!pac) throw new NotFoundError()
      return toResponse(pac)
    },
  })
}
