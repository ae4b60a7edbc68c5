import { reachOf } from '../../platform/access/need-to-know.ts'
import { defineModule } from '../../platform/module.ts'
import { auditAccess, auditKind } from './access.ts'
import { auditsApi } from './api.ts'
import { auditImport } from './import-kinds.ts'
import { auditMeasures } from './measures.ts'
import { auditsMigration } from './migrations/0039-audits.ts'
import { auditProgrammesMigration } from './migrations/0040-audit-programmes.ts'
import { auditModerationLearningMigration } from './migrations/0041-audit-moderation-learning.ts'
import { figurePath } from './pages/figure.ts'
import { bulletinImport, programmeImport } from './programme-import.ts'
import { auditRoutes } from './routes.ts'
import { auditRules, learningKind } from './rules.ts'
import { auditsSeed } from './seed.ts'
import { type Audits, auditsService } from './service.ts'

declare module '../../platform/module.ts' {
  interface ModuleServices {
    audits: Audits
  }
}

/**
 * Case file audits (issue 21): the force audits its own cases the way the inspectors did, grades them on the
 * inspectors' scale, refers them back to the case's owner, and reports them as Figure 1 of the report.
 */
export const auditsModule = defineModule({
  name: 'audits',
  needs: ['organisation', 'standards', 'children'],
  migrations: [auditsMigration, auditProgrammesMigration, auditModerationLearningMigration],
  importKinds: [programmeImport, bulletinImport, auditImport],
  menu: [
    {
      text: 'Case file audits',
      href: figurePath,
      access: auditAccess.read,
      position: 102,
      rowFor: ['dit_auditor'],
    },
    // Bulletins are for everyone in the force: under More, and in the auditors' row.
    {
      text: 'Audit learning',
      href: '/audits/bulletins',
      access: auditAccess.bulletins,
      position: 103,
      more: true,
    },
  ],
  create: ({ db, clock, accessLog, organisation, standards, children }) =>
    auditsService({
      db,
      clock,
      accessLog,
      organisation,
      findingsOf: (kind, id) => standards.findingsForSubject(kind, id),
      chronologyOf: (personId, reader) => children.timeline(personId, reachOf(reader)),
      afterWrite: (trx, kind, ids) => standards.afterWrite(trx, kind, ids),
    }),
  seed: auditsSeed,
  rules: auditRules,
  measures: auditMeasures,
  subjectLinks: {
    [auditKind.kind]: (id) => `/audits/${id}`,
    // Learning is shared from the bulletin page, where every point not yet shared is listed.
    [learningKind]: () => '/audits/bulletins/new',
  },
  routes(app, services) {
    auditRoutes(app, services)
    auditsApi(app, services.audits)
  },
})
