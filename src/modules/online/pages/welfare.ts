import type { FastifyInstance } from 'fastify'
import { page, view } from '../../../platform/http/page.ts'
import { onlineAccess } from '../access.ts'
import { type OnlinePageDeps, onlinePath } from './shared.ts'

/** The welfare of the people who view or grade indecent images: screenings (ONL-08) and images graded a month. */
export function welfarePages(app: FastifyInstance, deps: OnlinePageDeps) {
  page(app, `${onlinePath}/welfare`, {
    access: onlineAccess.welfare,
    get: async ({ principal, request }) => {
      const list = await deps.online.welfare(principal, {
        query: `GET ${request.url}`,
        requestId: request.id,
      })
      return view('online/views/welfare.njk', {
        pageTitle: 'Welfare of staff viewing indecent images',
        ...list,
        monthLabels: list.gradingMonths.map((m) =>
          new Date(`${m}T12:00:00Z`).toLocaleString('en-GB', {
            month: 'short',
            year: 'numeric',
            timeZone: 'UTC',
          }),
        ),
      })
    },
  })
}
