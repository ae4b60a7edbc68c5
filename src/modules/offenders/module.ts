import { defineModule } from '../../platform/module.ts'
import { chargedPersonKind, managerKind, offendersAccess, rsoKind } from './access.ts'
import { briefingsApi } from './api/briefings.ts'
import { offendersApi } from './api.ts'
import { offendersImportKinds } from './import-kinds.ts'
import { offendersMeasures } from './measures.ts'
import { offendersMigration } from './migrations/0020-offenders.ts'
import { briefingsMigration } from './migrations/0023-briefings.ts'
import { deporteeArrivalsMigration } from './migrations/0024-deportee-arrivals.ts'
import { offendersPath, offendersRoutes } from './routes.ts'
import { offenderRules } from './rules.ts'
import { offendersSeed } from './seed.ts'
import { briefingJob } from './service/briefings.ts'
import { offendersService } from './service.ts'

export type Offenders = ReturnType<typeof offendersService>

declare module '../../platform/module.ts' {
  interface ModuleServices {
    offenders: Offenders
  }
}

/** Registered sex offender management: the RSO record, risk, contact, caseloads and the RSO rules. */
export const offendersModule = defineModule({
  name: 'offenders',
  needs: ['organisation', 'standards', 'children', 'referrals'],
  migrations: [offendersMigration, briefingsMigration, deporteeArrivalsMigration],
  importKinds: offendersImportKinds,
  menu: [
    {
      text: 'Offenders',
      href: offendersPath,
      access: offendersAccess.read,
      position: 95,
      rowFor: ['offender_manager'],
    },
    // Neighbourhood officers read the briefings for their area without the offender managers' pages.
    {
      text: 'RSO briefings',
      href: `${offendersPath}/briefings`,
      access: offendersAccess.readBriefing,
      position: 96,
      rowFor: ['offender_manager'],
    },
  ],
  create: ({ db, clock, accessLog, standards }) =>
    offendersService(db, {
      clock,
      accessLog,
      afterWrite: (trx, kind, ids) => standards.afterWrite(trx, kind, ids),
    }),
  rules: offenderRules,
  jobs: (_offenders, { db, clock, accessLog, standards }) => [
    briefingJob(db, {
      clock,
      accessLog,
      afterWrite: (trx, kind, ids) => standards.afterWrite(trx, kind, ids),
    }),
  ],
  seed: offendersSeed,
  measures: (_offenders, { standards }) => offendersMeasures(standards),
  // An RSO's record on their chronology, for the MASH and investigators reading the people a case names.
  timeline: (offenders) => (personId, reach, asOf) => offenders.timelineFor(personId, reach, asOf),
  subjectLinks: {
    [rsoKind.kind]: (id) => `/offenders/${id}`,
    [managerKind]: (id) => `/offenders/caseloads?manager=${id}`,
    // RSO-09's findings are about the person charged: their record in the person index.
    [chargedPersonKind]: (id) => `/people/${id}`,
  },
  // The PAC page shows the visit or notification that found the child, linking to the RSO for their readers.
  wire(offenders, { referrals }) {
    referrals.registerLinkedRecords((pacId, reach) => offenders.linksToPac(pacId, reach))
  },
  routes(app, services) {
    offendersRoutes(app, services)
    offendersApi(app, services)
    briefingsApi(app, services.offenders)
  },
})
