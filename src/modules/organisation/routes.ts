import type { FastifyInstance } from 'fastify'
import type { Services } from '../../services.ts'
import { staffPages } from './pages/staff.ts'
import { structurePages } from './pages/structure.ts'
import { teamPages } from './pages/teams.ts'
import { trainingPages } from './pages/training.ts'

export { organisationPath } from './pages/shared.ts'

/** The organisation admin pages, one file per page group under pages/. */
export function organisationRoutes(app: FastifyInstance, services: Services) {
  structurePages(app, services)
  teamPages(app, services)
  staffPages(app, services)
  trainingPages(app, services)
}
