import { forceWideReach } from '../../platform/access/need-to-know.ts'
import { defineModule } from '../../platform/module.ts'
import { iiocViewerKind, onlineAccess, onlineCaseKind } from './access.ts'
import { onlineApi } from './api.ts'
import { onlineImportKinds } from './import-kinds.ts'
import { onlineMeasures } from './measures.ts'
import { onlineCasesMigration } from './migrations/0025-online-cases.ts'
import { onlineWelfareMigration } from './migrations/0026-online-welfare.ts'
import { onlineSafeguardingRefMigration } from './migrations/0027-online-safeguarding-ref.ts'
import { onlinePath, onlineRoutes } from './routes.ts'
import { onlineRules } from './rules.ts'
import { onlineSeed } from './seed.ts'
import { caseDeviceHolder, casesVisibleWhere } from './service/devices.ts'
import { onlineService } from './service.ts'

export type Online = ReturnType<typeof onlineService>

declare module '../../platform/module.ts' {
  interface ModuleServices {
    online: Online
  }
}

/** Online child sexual abuse: CEOP/NCA referrals, the Bellona queue, KIRAT, stages, safeguarding and outcomes. */
export const onlineModule = defineModule({
  name: 'online',
  needs: ['organisation', 'standards', 'children', 'investigations', 'triage'],
  migrations: [onlineCasesMigration, onlineWelfareMigration, onlineSafeguardingRefMigration],
  importKinds: onlineImportKinds,
  menu: [
    {
      text: 'Online cases',
      href: onlinePath,
      access: onlineAccess.read,
      position: 92,
      rowFor: ['online_csae'],
    },
  ],
  create: ({ db, clock, accessLog, standards, triage }) =>
    onlineService(db, {
      clock,
      accessLog,
      afterWrite: (trx, kind, ids) => standards.afterWrite(trx, kind, ids),
      // A case's devices for a reader the case's need to know admits, whatever the device's own area.
      devicesOfCase: async (caseRef, actor, query) =>
        (await triage.list({ caseRef }, forceWideReach, { actor, query })).map((d) => ({
          ...d,
          ever_submitted: Boolean(d.ever_submitted),
          ever_examined: Boolean(d.ever_examined),
        })),
    }),
  // The devices seized in a case are the triage module's: whoever may see the case sees them, and a device
  // recorded in a case is held by the team the case is allocated to.
  wire(_online, { triage }) {
    // Absent when a force's list of modules leaves triage out (modules.test.ts): its cases then hold no devices.
    if (triage) triage.registerCases({ visibleWhere: casesVisibleWhere, holderOf: caseDeviceHolder })
  },
  rules: onlineRules,
  seed: onlineSeed,
  measures: onlineMeasures,
  subjectLinks: {
    [onlineCaseKind.kind]: (id) => `/online/cases/${id}`,
    // ONL-08's findings are about a member of staff: their record in the organisation's pages.
    [iiocViewerKind]: (id) => `/admin/organisation/staff/${id}`,
  },
  routes(app, services) {
    onlineRoutes(app, services)
    onlineApi(app, services.online)
  },
})
