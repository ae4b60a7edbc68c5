import type { FastifyInstance } from 'fastify'
import type { Services } from '../../services.ts'
import { skillsApi } from './api.ts'
import { bookingPages } from './pages/bookings.ts'
import { coveragePages } from './pages/coverage.ts'
import { requirementPages } from './pages/requirements.ts'

export { skillsPath } from './pages/shared.ts'

/** The skills audit's pages (force, BCU, team; the matrix; bookings) and its API twin. */
export function skillsRoutes(app: FastifyInstance, services: Services) {
  coveragePages(app, services)
  requirementPages(app, services)
  bookingPages(app, services)
  skillsApi(app, services)
}
