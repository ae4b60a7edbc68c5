import { defineModule } from '../../platform/module.ts'
import type { StandardsService } from '../../standards/service.ts'
import type { ChildrenService } from '../children/service.ts'
import { pacKind, pacPartners, pacReaders } from './access.ts'
import { referralsApiRoutes } from './api.ts'
import { pacImportKind } from './import-kinds.ts'
import { referralsMeasures } from './measures.ts'
import { referralsMigration } from './migrations/0006-referrals.ts'
import { referralsListIndexesMigration } from './migrations/0021-referrals-list-indexes.ts'
import { personIndexFromChildren } from './person-index.ts'
import { referralsPath, referralsRoutes } from './routes.ts'
import { referralRules } from './rules.ts'
import { referralsSeed } from './seed.ts'
import { type ReferralsDependencies, referralsService } from './service.ts'
import { referralsStartPanels } from './start-panels.ts'

/** The referrals service, reading children through the person index and evaluating its rules on each write. */
export function createReferrals(
  deps: Omit<ReferralsDependencies, 'people' | 'calendar' | 'afterWrite'> & {
    standards: StandardsService
    children: ChildrenService
  },
) {
  const { standards, children } = deps
  const people = personIndexFromChildren(children)
  const service = referralsService({
    ...deps,
    people,
    calendar: standards.calendar,
    afterWrite: async (trx, written) => {
      for (const [kind, ids] of written) await standards.afterWrite(trx, kind, ids)
      // Other children's PACs that a PAC written here meets (REF-06's dependsOn).
      await standards.afterChange(trx, new Map([['pac', written.get(pacKind.kind) ?? []]]), written)
    },
  })
  return Object.assign(service, { people })
}

export type Referrals = ReturnType<typeof createReferrals>

declare module '../../platform/module.ts' {
  interface ModuleServices {
    referrals: Referrals
  }
}

/** PACs (child-protection referrals): raised, reviewed, shared with partners, and watched by the REF rules. */
export const referralsModule = defineModule({
  name: 'referrals',
  needs: ['organisation', 'standards', 'children'],
  migrations: [referralsMigration, referralsListIndexesMigration],
  importKinds: [pacImportKind],
  seed: referralsSeed,
  menu: [
    { text: 'PACs', href: referralsPath, access: pacReaders, position: 30 },
    { text: 'Shared PACs', href: '/partner/pacs', access: pacPartners, position: 40 },
  ],
  create: createReferrals,
  measures: (_referrals, { standards }) => referralsMeasures(standards, standards.calendar),
  rules: (referrals) =>
    referralRules(referrals.people.linkedChildrenSql, referrals.people.peopleLinkedThroughSql),
  subjectLinks: { [pacKind.kind]: (id) => `/pacs/${id}` },
  timeline: (referrals) => (personId, reach, asOf) => referrals.timelineItems(personId, reach, asOf),
  startPanels: referralsStartPanels,
  routes(app, services) {
    referralsRoutes(app, services)
    referralsApiRoutes(app, services)
  },
})
