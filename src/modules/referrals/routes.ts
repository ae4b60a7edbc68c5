import type { FastifyInstance } from 'fastify'
import type { Services } from '../../services.ts'
import { checkPages } from './pages/check.ts'
import { listPages } from './pages/lists.ts'
import { pacPages } from './pages/pac.ts'
import { pacStepPages } from './pages/pac-steps.ts'
import { partnerPages } from './pages/partner.ts'
import { raisePages } from './pages/raise.ts'
import { resubmitPages } from './pages/resubmit.ts'

export { actorOf, referralsPath } from './pages/shared.ts'

/** The PAC pages, one file per journey or page group under pages/. */
export function referralsRoutes(app: FastifyInstance, services: Services) {
  listPages(app, services)
  raisePages(app, services)
  checkPages(app, services)
  pacPages(app, services)
  pacStepPages(app, services)
  resubmitPages(app, services)
  partnerPages(app, services)
}
