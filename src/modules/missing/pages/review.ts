import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { recordVersion, text } from '../../../platform/http/form-fields.ts'
import { episodeReviewers } from '../access.ts'
import { episodePath, episodeView } from './episode.ts'
import { localDateTime } from './local-date-time.ts'
import { formOnPage, type MissingPageServices, missingPath } from './shared.ts'

const reviewForm = z.object({
  reviewedAt: localDateTime({ label: 'review time' }),
  reviewerName: text({ required: 'Enter who reviewed the risk' }),
  reviewGrade: text({ required: 'Choose the grade after the review' }),
  reason: text({ required: 'Enter the reason for the grade' }),
  nextReviewDueAt: localDateTime({ label: 'next review time', required: false }),
  version: recordVersion(),
})

/** A review of the risk while the child is missing: the grade after it, and when to review next. */
export function reviewPages(app: FastifyInstance, services: MissingPageServices) {
  formOnPage(app, `${missingPath}/episodes/:id/review`, {
    access: episodeReviewers,
    form: reviewForm,
    page: episodeView(services),
    // The service names the grade `grade`; on this page its box is `reviewGrade`.
    inputOf: { grade: 'reviewGrade' },
    save: async ({ params, input, principal }) => {
      const id = params.id as string
      await services.missing.addReview(
        id,
        input.version,
        {
          reviewedAt: input.reviewedAt,
          reviewerName: input.reviewerName,
          grade: input.reviewGrade,
          reason: input.reason,
          ...(input.nextReviewDueAt ? { nextReviewDueAt: input.nextReviewDueAt } : {}),
        },
        principal,
      )
      return episodePath(id)
    },
  })
}
