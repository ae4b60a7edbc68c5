import type { AccessLogService } from '../../platform/access/access-log.ts'
import type { Clock } from '../../platform/clock.ts'
import type { Database } from '../../platform/db/database.ts'
import { defineModule } from '../../platform/module.ts'
import type { StandardsService } from '../../standards/service.ts'
import { type OrganisationService, organisationService } from '../organisation/service.ts'
import { custodyAccess, detentionKind } from './access.ts'
import { custodyApi } from './api.ts'
import { custodyDetentionImport } from './import-kinds.ts'
import { custodyModuleMeasures } from './measures.ts'
import { custodyMigration } from './migrations/0007-custody.ts'
import { custodyAdultAtChargeAndReviewMigration } from './migrations/0028-custody-adult-at-charge-and-review.ts'
import { custodyPacLinkMigration } from './migrations/0029-custody-pac-link.ts'
import { custodyPath, custodyRoutes } from './routes.ts'
import { custodyRules } from './rules.ts'
import { custodySeed } from './seed.ts'
import { custodyService } from './service.ts'
import { custodyStartPanels } from './start-panels.ts'

/** The custody service, with the engine evaluating its rules in each writing transaction. */
export function createCustody(deps: {
  db: Database
  clock: Clock
  organisation: OrganisationService
  accessLog: AccessLogService
  standards: StandardsService
}) {
  const { standards } = deps
  return custodyService(deps.db, deps.clock, {
    organisation: deps.organisation,
    accessLog: deps.accessLog,
    afterWrite: (trx, kind, ids) => standards.afterWrite(trx, kind, ids),
  })
}

export type Custody = ReturnType<typeof createCustody>

declare module '../../platform/module.ts' {
  interface ModuleServices {
    custody: Custody
  }
}

/** Children detained in police custody: PACE clocks, appropriate adults, transfers to local authority care. */
export const custodyModule = defineModule({
  name: 'custody',
  // referrals: a detention links its Merlin PAC (CUS-12), and the PAC table must exist first.
  needs: ['organisation', 'standards', 'children', 'referrals'],
  migrations: [custodyMigration, custodyAdultAtChargeAndReviewMigration, custodyPacLinkMigration],
  importKinds: [custodyDetentionImport],
  seed: custodySeed,
  menu: [
    { text: 'Custody', href: custodyPath, access: custodyAccess.read, position: 80, rowFor: ['custody'] },
  ],
  create: createCustody,
  rules: custodyRules,
  measures: (_custody, { clock }) =>
    custodyModuleMeasures({ organisationOn: (q) => organisationService(q, clock) }),
  subjectLinks: { [detentionKind.kind]: (id) => `/custody/detentions/${id}` },
  timeline: (custody) => (personId, reach, asOf) => custody.timelineFor(personId, reach, asOf),
  startPanels: custodyStartPanels,
  // When two person records are found to be one child, their detentions go with the surviving record.
  async onMerge(trx, { survivorId, mergedId }) {
    await trx
      .updateTable('custody_detention')
      .set((eb) => ({ person_id: survivorId, version: eb('version', '+', 1) }))
      .where('person_id', '=', mergedId)
      .execute()
  },
  routes(app, services) {
    custodyRoutes(app, services)
    custodyApi(app, services.custody)
  },
})
