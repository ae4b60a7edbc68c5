import type { AccessLogService } from '../../platform/access/access-log.ts'
import type { Clock } from '../../platform/clock.ts'
import type { Database } from '../../platform/db/database.ts'
import type { HistoryService } from '../../platform/db/history.ts'
import { defineModule } from '../../platform/module.ts'
import type { StandardsService } from '../../standards/service.ts'
import type { ChildrenService } from '../children/service.ts'
import { deviceKind, triageAccess } from './access.ts'
import { triageApi } from './api.ts'
import { triageImportKinds } from './import-kinds.ts'
import { triageMigration } from './migrations/0010-triage.ts'
import { deviceClockInstantsMigration } from './migrations/0052-device-clock-instants.ts'
import { devicesPath, triageRoutes } from './routes.ts'
import { triageRules } from './rules.ts'
import { triageService } from './service.ts'

/** The triage service: hash sets, devices and results, with the engine evaluating its rules on each write. */
export function createTriage(deps: {
  db: Database
  clock: Clock
  history: HistoryService
  accessLog: AccessLogService
  standards: StandardsService
  children: ChildrenService
}) {
  const { standards, children } = deps
  return triageService(deps.db, deps.clock, {
    accessLog: deps.accessLog,
    history: deps.history,
    afterWrite: (trx, kind, ids) => standards.afterWrite(trx, kind, ids),
    personIdByRef: async (ref, q) => (await children.find(ref, q))?.id,
  })
}

export type Triage = ReturnType<typeof createTriage>

declare module '../../platform/module.ts' {
  interface ModuleServices {
    triage: Triage
  }
}

/** Seized devices: triage against known-image hash sets, results, and the rules on devices left unchecked. */
export const triageModule = defineModule({
  name: 'triage',
  needs: ['standards', 'children'],
  migrations: [triageMigration, deviceClockInstantsMigration],
  importKinds: triageImportKinds,
  menu: [
    { text: 'Devices', href: devicesPath, access: triageAccess.read, position: 90, rowFor: ['online_csae'] },
  ],
  create: createTriage,
  rules: triageRules,
  subjectLinks: { [deviceKind.kind]: (id) => `/devices/${id}` },
  routes(app, services) {
    triageRoutes(app, services)
    triageApi(app, services.triage)
  },
})
