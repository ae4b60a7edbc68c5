import type { FastifyInstance } from 'fastify'
import { detentionPages } from './pages/detention.ts'
import { eventPages } from './pages/events.ts'
import { listPages } from './pages/list.ts'
import { newDetentionPages } from './pages/new-detention.ts'
import type { CustodyPageDeps } from './pages/shared.ts'

export { clockView, custodyPath } from './pages/shared.ts'

/** The custody pages, one file per page group under pages/. */
export function custodyRoutes(app: FastifyInstance, services: CustodyPageDeps) {
  listPages(app, services)
  newDetentionPages(app, services)
  detentionPages(app, services)
  eventPages(app, services)
}
