import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { apiRoute } from '../../platform/http/api.ts'
import { episodeReporters, episodeReviewers, missingReaders, planAgreers } from './access.ts'
import { episodeInput, type MissingService, reviewInput, triggerPlanInput } from './service.ts'

const id = z.object({ id: z.string().uuid({ message: 'must be an id' }) })

const episodeOutput = z
  .object({
    id: z.string(),
    ref: z.string(),
    grade: z.string(),
    suggestedGrade: z.string(),
    version: z.number(),
  })
  .catchall(z.unknown())
  .describe('A missing episode with its grading, return, interviews and linked PAC')

/**
 * The missing API: episodes, reviews and trigger plans. Each operation asks the same role permission as
 * its page (access.ts), and the service the same need to know (404 outside it).
 */
export function missingApi(app: FastifyInstance, missing: MissingService) {
  apiRoute(app, {
    method: 'POST',
    url: '/api/v1/missing/episodes',
    access: episodeReporters,
    summary: 'Open a missing episode (with its return and interviews when already known)',
    tags: ['Missing'],
    body: episodeInput,
    response: episodeOutput,
    status: 201,
    async handler({ body, principal }) {
      return { ...(await missing.create(body, principal)) }
    },
  })

  apiRoute(app, {
    method: 'GET',
    url: '/api/v1/missing/episodes/:id',
    access: missingReaders,
    summary: 'A missing episode with its reviews and the suggested minimum grade',
    tags: ['Missing'],
    params: id,
    response: episodeOutput,
    async handler({ params, principal }) {
      const view = await missing.get(params.id, principal)
      return {
        ...view.episode,
        currentGrade: view.currentGrade,
        nextReviewDueAt: view.nextReviewDueAt,
        reviews: view.reviews,
        suggestion: view.suggestion,
        pacRef: view.pacRef,
      }
    },
  })

  apiRoute(app, {
    method: 'POST',
    url: '/api/v1/missing/episodes/:id/reviews',
    access: episodeReviewers,
    summary: 'Record a review of the risk (a re-grading with its reason)',
    tags: ['Missing'],
    params: id,
    body: reviewInput.omit({ episode: true }).extend({ version: z.number().int().min(1) }),
    status: 201,
    async handler({ params, body, principal }) {
      const { version, ...review } = body
      await missing.addReview(params.id, version, review, principal)
      return { ok: true }
    },
  })

  apiRoute(app, {
    method: 'POST',
    url: '/api/v1/missing/trigger-plans',
    access: planAgreers,
    summary: 'Agree a trigger plan for a child who goes missing repeatedly',
    tags: ['Missing'],
    body: triggerPlanInput,
    status: 201,
    async handler({ body, principal }) {
      return missing.createPlan(body, principal)
    },
  })

  apiRoute(app, {
    method: 'GET',
    url: '/api/v1/missing/trigger-plans/:id',
    access: missingReaders,
    summary: 'A trigger plan and whether it is live',
    tags: ['Missing'],
    params: id,
    async handler({ params, principal }) {
      const view = await missing.plan(params.id, principal)
      return { ...view.plan, live: view.live, borough: view.boroughName }
    },
  })
}
