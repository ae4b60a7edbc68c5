import type { AccessLogService } from '../../platform/access/access-log.ts'
import type { Clock } from '../../platform/clock.ts'
import type { Database } from '../../platform/db/database.ts'
import type { StandardsService } from '../../standards/service.ts'
import type { ChildrenService } from '../children/service.ts'
import type { OrganisationService } from '../organisation/service.ts'
import { detentionKind } from './access.ts'
import { custodyRules } from './rules.ts'
import { custodyService } from './service.ts'

/** The custody module wired in: its service, its rules with the engine, its items on each child's chronology. */
export function createCustody(deps: {
  db: Database
  clock: Clock
  organisation: OrganisationService
  accessLog: AccessLogService
  standards: StandardsService
  children: ChildrenService
}) {
  const { standards, children } = deps
  const service = custodyService(deps.db, deps.clock, {
    organisation: deps.organisation,
    accessLog: deps.accessLog,
    afterWrite: (trx, kind, ids) => standards.afterWrite(trx, kind, ids),
  })
  for (const rule of custodyRules) standards.register(rule)
  standards.registerSubjectLink(detentionKind.kind, (id) => `/custody/detentions/${id}`)
  children.registerTimelineProvider((personId, reach, asOf) => service.timelineFor(personId, reach, asOf))
  // When two person records are found to be one child, their detentions go with the surviving record.
  children.onMerge(async (trx, { survivorId, mergedId }) => {
    await trx
      .updateTable('custody_detention')
      .set((eb) => ({ person_id: survivorId, version: eb('version', '+', 1) }))
      .where('person_id', '=', mergedId)
      .execute()
  })
  return service
}

export type Custody = ReturnType<typeof createCustody>
