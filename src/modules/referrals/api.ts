import type { FastifyInstance } from 'fastify'
import type { Services } from '../../services.ts'
import { pacApiRoutes } from './api/pacs.ts'
import { partnerApiRoutes } from './api/partner.ts'

/** The PAC API: create, read, list and update for the force; partners read and answer their borough's. */
export function referralsApiRoutes(app: FastifyInstance, services: Services) {
  pacApiRoutes(app, services)
  partnerApiRoutes(app, services)
}
