import type { FastifyInstance } from 'fastify'
import type { Services } from '../../services.ts'
import { addressPages } from './pages/addresses.ts'
import { createPages } from './pages/create.ts'
import { editPages } from './pages/edit.ts'
import { flagPages } from './pages/flags.ts'
import { householdPages } from './pages/households.ts'
import { mergePages } from './pages/merge.ts'
import { personPages } from './pages/person.ts'
import { searchPages } from './pages/search.ts'

export { peoplePath } from './pages/shared.ts'

/** The person index's pages, one file per page group under pages/. */
export function childrenRoutes(app: FastifyInstance, services: Services) {
  searchPages(app, services)
  createPages(app, services)
  personPages(app, services)
  flagPages(app, services)
  addressPages(app, services)
  householdPages(app, services)
  editPages(app, services)
  mergePages(app, services)
}
