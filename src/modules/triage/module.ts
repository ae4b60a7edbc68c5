import type { AccessLogService } from '../../platform/access/access-log.ts'
import type { Clock } from '../../platform/clock.ts'
import type { Database } from '../../platform/db/database.ts'
import type { HistoryService } from '../../platform/db/history.ts'
import type { StandardsService } from '../../standards/service.ts'
import type { ChildrenService } from '../children/service.ts'
import { deviceKind } from './access.ts'
import { triageRules } from './rules.ts'
import { triageService } from './service.ts'

/** The triage module wired in: hash sets, devices and results, and the device rules with the engine. */
export function createTriage(deps: {
  db: Database
  clock: Clock
  history: HistoryService
  accessLog: AccessLogService
  standards: StandardsService
  children: ChildrenService
}) {
  const { standards, children } = deps
  const service = triageService(deps.db, deps.clock, {
    accessLog: deps.accessLog,
    history: deps.history,
    afterWrite: (trx, kind, ids) => standards.afterWrite(trx, kind, ids),
    personIdByRef: async (ref) => (await children.find(ref))?.id,
  })
  for (const rule of triageRules) standards.register(rule)
  standards.registerSubjectLink(deviceKind.kind, (id) => `/devices/${id}`)
  return service
}

export type Triage = ReturnType<typeof createTriage>
