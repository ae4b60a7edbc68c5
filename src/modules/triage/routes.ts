import type { FastifyInstance } from 'fastify'
import type { Services } from '../../services.ts'
import { devicePages } from './pages/device.ts'
import { devicesListPage } from './pages/list.ts'
import { matchesPage } from './pages/matches.ts'
import { newDevicePage } from './pages/new-device.ts'

export { devicesPath } from './pages/shared.ts'

/**
 * The device list, the form recording a seized device, the device page (status history, triage results,
 * findings, the status form) and the match details.
 */
export function triageRoutes(app: FastifyInstance, services: Services) {
  devicesListPage(app, services)
  newDevicePage(app, services)
  devicePages(app, services)
  matchesPage(app, services)
}
