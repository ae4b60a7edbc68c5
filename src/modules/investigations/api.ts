import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { reachOf } from '../../platform/access/need-to-know.ts'
import { apiRoute } from '../../platform/http/api.ts'
import { isoDay, isoInstant } from '../../platform/time-schemas.ts'
import type { Services } from '../../services.ts'
import {
  investigationAllocators,
  investigationClosers,
  investigationReaders,
  investigationReviewers,
  strategyRecorders,
} from './access.ts'
import { agencies, caseTypes, outcomeCodes } from './investigation.ts'
import { actorOf } from './routes.ts'
import type { InvestigationRow } from './service.ts'

const tags = ['Investigations']
const instant = isoInstant('must be a date and time like 2018-08-01T09:30:00Z')
const id = z.object({ id: z.uuid({ message: 'must be an investigation id' }) })

const investigationResponse = z.object({
  id: z.string(),
  ref: z.string(),
  caseType: z.enum(caseTypes),
  strands: z.array(z.string()),
  riskLevel: z.string(),
  summary: z.string(),
  boroughId: z.string(),
  bcuId: z.string().nullable(),
  openedAt: z.date(),
  status: z.enum(['open', 'closed']),
  teamId: z.string().nullable(),
  officerStaffId: z.string().nullable(),
  allocatedAt: z.date().nullable(),
  offence: z.string().nullable(),
  crimeReference: z.string().nullable(),
  outcome: z.enum(outcomeCodes as [string, ...string[]]).nullable(),
  closedAt: z.date().nullable(),
  version: z.number().describe('Send back with every change; a stale version gets 409'),
})

const toResponse = (i: InvestigationRow): z.input<typeof investigationResponse> => ({
  id: i.id,
  ref: i.ref,
  caseType: i.case_type as (typeof caseTypes)[number],
  strands: i.strands,
  riskLevel: i.risk_level,
  summary: i.summary,
  boroughId: i.borough_id,
  bcuId: i.bcu_id,
  openedAt: i.opened_at,
  status: i.status as 'open' | 'closed',
  teamId: i.team_id,
  officerStaffId: i.officer_staff_id,
  allocatedAt: i.allocated_at,
  offence: i.offence,
  crimeReference: i.crime_reference,
  outcome: i.outcome,
  closedAt: i.closed_at,
  version: i.version,
})

/**
 * The investigations API: read within the caller's need to know; each write is allowed to the roles its
 * page allows (the same constants), and refused with 403 to any other.
 */
export function investigationsApi(app: FastifyInstance, services: Services) {
  const { investigations } = services

  apiRoute(app, {
    method: 'GET',
    url: '/api/v1/investigations',
    access: investigationReaders,
    summary: 'Investigations within the caller’s need to know, filtered and sorted',
    tags,
    query: z.object({
      caseType: z.enum(caseTypes).optional(),
      status: z.enum(['open', 'closed']).optional(),
      teamId: z.uuid().optional(),
      limit: z.coerce.number().int().min(1).max(500).optional(),
      offset: z.coerce.number().int().min(0).optional(),
    }),
    response: z.object({ items: z.array(investigationResponse), total: z.number() }),
    async handler({ query, principal, request }) {
      const { items, total } = await investigations.list(query, reachOf(principal), {
        actor: actorOf(principal),
        query: `GET ${request.url}`,
        requestId: request.id,
      })
      return { items: items.map(toResponse), total }
    },
  })

  apiRoute(app, {
    method: 'GET',
    url: '/api/v1/investigations/:id',
    access: investigationReaders,
    summary: 'One investigation',
    tags,
    params: id,
    response: investigationResponse,
    async handler({ params, principal, request }) {
      const c = await investigations.read(params.id, reachOf(principal), actorOf(principal), request.id)
      return toResponse(c.investigation)
    },
  })

  apiRoute(app, {
    method: 'POST',
    url: '/api/v1/investigations/:id/allocations',
    access: investigationAllocators,
    summary: 'Allocate to an officer; a choice that does not fit needs a reason',
    tags,
    params: id,
    status: 201,
    body: z.object({
      version: z.number().int(),
      teamId: z.uuid(),
      staffId: z.uuid(),
      reason: z.string().max(2000).optional(),
    }),
    async handler({ params, body, principal }) {
      const fit = await investigations.allocate(
        params.id,
        body.version,
        body,
        actorOf(principal),
        reachOf(principal),
      )
      return { fit }
    },
  })

  apiRoute(app, {
    method: 'POST',
    url: '/api/v1/investigations/:id/reviews',
    access: investigationReviewers,
    summary: 'Record a supervisory review with the further work it directs',
    tags,
    params: id,
    status: 201,
    body: z.object({
      version: z.number().int(),
      reviewedAt: instant,
      findings: z.string().min(1).max(10000),
      actions: z
        .array(
          z.object({
            description: z.string().min(1).max(2000),
            dueOn: isoDay(),
            ownerStaffId: z.uuid().optional(),
          }),
        )
        .max(20)
        .default([]),
    }),
    async handler({ params, body, principal }) {
      const reviewId = await investigations.recordReview(
        params.id,
        body.version,
        {
          reviewedAt: new Date(body.reviewedAt),
          findings: body.findings,
          actions: body.actions.map((a) => ({
            description: a.description,
            dueOn: a.dueOn,
            ownerStaffId: a.ownerStaffId ?? null,
          })),
        },
        actorOf(principal),
        reachOf(principal),
      )
      return { id: reviewId }
    },
  })

  apiRoute(app, {
    method: 'POST',
    url: '/api/v1/investigations/:id/strategy-discussions',
    access: strategyRecorders,
    summary: 'Record a strategy discussion with its participants by agency',
    tags,
    params: id,
    status: 201,
    body: z.object({
      version: z.number().int(),
      heldAt: instant,
      participants: z
        .array(
          z.object({
            agency: z.enum(agencies),
            name: z.string().min(1).max(200),
            role: z.string().max(200).optional(),
          }),
        )
        .min(1, 'needs at least one participant'),
      decisions: z.string().min(1).max(5000),
      jointSafetyPlan: z.string().max(5000).default(''),
      beginsSection47: z.boolean().default(false),
    }),
    async handler({ params, body, principal }) {
      const discussionId = await investigations.recordStrategyDiscussion(
        params.id,
        body.version,
        { ...body, heldAt: new Date(body.heldAt) },
        actorOf(principal),
        reachOf(principal),
      )
      return { id: discussionId }
    },
  })

  apiRoute(app, {
    method: 'POST',
    url: '/api/v1/investigations/:id/closure',
    access: investigationClosers,
    summary: 'Close with a Home Office outcome and the rationale',
    tags,
    params: id,
    body: z.object({
      version: z.number().int(),
      outcome: z.enum(outcomeCodes as [string, ...string[]], {
        message: 'must be a Home Office outcome code 1-22, cancelled or transferred',
      }),
      rationale: z.string().min(1).max(5000),
      welfareVisit: z.boolean().optional(),
      socialCareReferral: z.boolean().optional(),
    }),
    async handler({ params, body, principal }) {
      await investigations.close(params.id, body.version, body, actorOf(principal), reachOf(principal))
      return { closed: true }
    },
  })
}
