import type { FastifyInstance } from 'fastify'
import type { Services } from '../../services.ts'
import { devicePages } from './pages/device.ts'
import { devicesListPage } from './pages/list.ts'
import { matchesPage } from './pages/matches.ts'

export { devicesPath } from './pages/shared.ts'

/** The device list, the device page (status history, triage results, findings, the status form) and the match details. */
export function triageRoutes(app: FastifyInstance, services: Services) {
  devicesListPage(app, services)
  devicePages(app, services)
  matchesPage(app, services)
}
