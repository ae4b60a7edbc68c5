import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { Principal } from '../../../platform/auth/principal.ts'
import { apiRoute } from '../../../platform/http/api.ts'
import { NotFoundError } from '../../../platform/http/errors.ts'
import type { Services } from '../../../services.ts'
import { pacPartners } from '../access.ts'
import { actorOf } from '../pages/shared.ts'
import { partnerOutcomeFilters, requirePartnerBorough } from '../service.ts'
import { idParams, outcomeBody, pacResponse, tags, toResponse } from './schemas.ts'

/** The partners' PAC API: only PACs shared with the MASH for their own borough; anything else is not found. */
export function partnerApiRoutes(app: FastifyInstance, services: Services) {
  const { referrals } = services
  const boroughOf = (principal: Principal) => requirePartnerBorough(principal.area)

  apiRoute(app, {
    method: 'GET',
    url: '/api/v1/partner/pacs',
    access: pacPartners,
    summary: 'PACs shared with your borough (partner agencies), a page at a time',
    description:
      'Those awaiting your outcome first, then the rest, most recently shared first within each. `total` is how ' +
      'many the filter lets through in all; page with `limit` (at most 500) and `offset`.',
    tags,
    query: z
      .object({
        outcome: z
          .enum(partnerOutcomeFilters)
          .optional()
          .describe('awaiting: only those awaiting your outcome; recorded: only those with it'),
        awaitingOutcome: z
          .enum(['true', 'false'])
          .optional()
          .describe('true is the same as outcome=awaiting'),
        limit: z.coerce.number().int().min(1).max(500).default(50),
        offset: z.coerce.number().int().min(0).default(0),
      })
      .strict(),
    response: z.object({ total: z.number(), pacs: z.array(pacResponse) }),
    handler: async ({ query, principal, request }) => {
      const { items, total } = await referrals.partner.list(boroughOf(principal), {
        outcome: query.outcome ?? (query.awaitingOutcome === 'true' ? 'awaiting' : undefined),
        limit: query.limit,
        offset: query.offset,
      })
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
