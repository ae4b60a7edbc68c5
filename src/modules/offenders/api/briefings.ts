import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { apiRoute } from '../../../platform/http/api.ts'
import { offendersAccess } from '../access.ts'
import { riskLevels } from '../rso.ts'
import type { OffendersService } from '../service.ts'

const tags = ['Offenders']

const briefingRef = z.object({
  ref: z
    .string()
    .trim()
    .min(1, 'enter the briefing’s reference or id')
    .max(100, 'must be 100 characters or fewer'),
})

/**
 * Neighbourhood briefings in the API, for the officers of an area and the RSOs' managers as on the pages:
 * the current briefings the caller may see, and one briefing (the read logged, the caller's receipt marked).
 */
export function briefingsApi(
  app: FastifyInstance,
  offenders: Pick<OffendersService, 'briefings' | 'briefing'>,
) {
  apiRoute(app, {
    method: 'GET',
    url: '/api/v1/rso-briefings',
    access: offendersAccess.readBriefing,
    summary: 'The current neighbourhood briefing of each area the caller may see',
    tags,
    response: z.object({
      briefings: z.array(
        z.object({
          ref: z.string(),
          borough: z.string(),
          ward: z.string().nullable(),
          version: z.number(),
          generatedAt: z.date(),
          rsos: z.number(),
          sent: z.number(),
          read: z.number(),
        }),
      ),
    }),
    handler: async ({ principal }) => ({
      briefings: (await offenders.briefings(principal)).map((b) => ({
        ref: b.ref,
        borough: b.borough,
        ward: b.ward,
        version: b.area_version,
        generatedAt: b.generated_at,
        rsos: b.entries,
        sent: b.sent,
        read: b.read,
      })),
    }),
  })

  apiRoute(app, {
    method: 'GET',
    url: '/api/v1/rso-briefings/:ref',
    access: offendersAccess.readBriefing,
    summary: 'One neighbourhood briefing: every RSO living in the area at every risk level',
    description:
      'By reference (BRF-...) or id. A 404 for a briefing outside the caller’s need to know, as for one that ' +
      'does not exist. Reading it marks the caller’s receipt read.',
    tags,
    params: briefingRef,
    response: z.object({
      ref: z.string(),
      borough: z.string(),
      ward: z.string().nullable(),
      version: z.number(),
      current: z.boolean(),
      generatedAt: z.date(),
      rsos: z.array(
        z.object({
          ref: z.string(),
          name: z.string(),
          address: z.string(),
          riskLevel: z.enum(riskLevels),
          conditions: z.string(),
          onContact: z.string(),
        }),
      ),
    }),
    handler: async ({ principal, params }) => {
      const seen = await offenders.briefing(params.ref, principal)
      return {
        ref: seen.briefing.ref,
        borough: seen.briefing.borough,
        ward: seen.briefing.ward,
        version: seen.briefing.area_version,
        current: seen.current,
        generatedAt: seen.briefing.generated_at,
        rsos: seen.entries.map((e) => ({
          ref: e.ref,
          name: e.name,
          address: e.address,
          riskLevel: e.risk_level,
          conditions: e.conditions,
          onContact: e.on_contact,
        })),
      }
    },
  })
}
