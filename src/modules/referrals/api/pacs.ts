import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { type Access, permits } from '../../../platform/access/access.ts'
import { reachOf } from '../../../platform/access/need-to-know.ts'
import { apiRoute } from '../../../platform/http/api.ts'
import { ForbiddenError, ValidationError } from '../../../platform/http/errors.ts'
import type { Services } from '../../../services.ts'
import {
  pacFollowUppers,
  pacMashRoles,
  pacOutcomeRecorders,
  pacRaisers,
  pacReaders,
  pacResubmitters,
  pacReviewers,
  pacSharers,
  pacWriters,
  supervisesPacs,
} from '../access.ts'
import { actorOf } from '../pages/shared.ts'
import type { PacChange, PacSummary } from '../service.ts'
import {
  createBody,
  idParams,
  listQuery,
  pacResponse,
  patchBody,
  resubmitBody,
  tags,
  toDate,
  toResponse,
} from './schemas.ts'

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

/** The force's PAC API: raise, list, read, record the later steps, and resubmit a returned PAC. */
export function pacApiRoutes(app: FastifyInstance, services: Services) {
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
      // The update checks need to know itself (404); the PAC is read, and the read logged, only once it is
      // changed, so a refused update leaves no read of a PAC the caller was not shown.
      await referrals.update(params.id, version, change, actorOf(principal), reachOf(principal))
      return toResponse(await referrals.read(params.id, reachOf(principal), actorOf(principal), 'api update'))
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
}
