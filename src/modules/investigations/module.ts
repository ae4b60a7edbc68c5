import { defineModule } from '../../platform/module.ts'
import type { StandardsService } from '../../standards/service.ts'
import { displayName } from '../children/person.ts'
import { otherChildrenInHousehold } from '../children/service/household-members.ts'
import type { ChildrenService } from '../children/service.ts'
import { investigationKind, investigationReaders } from './access.ts'
import { investigationsApi } from './api.ts'
import { investigationImportKinds } from './import-kinds.ts'
import { investigationsModuleMeasures } from './measures.ts'
import { investigationsMigration } from './migrations/0009-investigations.ts'
import { investigationsPath, investigationsRoutes } from './routes.ts'
import { type ChildrenInHousehold, householdKey, investigationRules } from './rules.ts'
import { investigationsSeed } from './seed.ts'
import { type InvestigationsDependencies, investigationsService } from './service.ts'

/**
 * Builds the investigations service and registers what the module brings to the others: its rules and
 * the investigation link with the standards engine, and investigations on each child's chronology.
 */
export function createInvestigations(
  deps: Omit<InvestigationsDependencies, 'people' | 'standards'> & {
    standards: StandardsService
    children: ChildrenService
  },
) {
  const { standards, children } = deps
  // INV-12 runs inside the writing transaction: the person index answers on that executor (on the
  // embedded database a query on the outer connection would wait for the transaction for ever).
  const childrenInHousehold: ChildrenInHousehold = async (executor, asked) => {
    const byDay = new Map<string, string[]>()
    for (const a of asked) byDay.set(a.day, [...new Set([...(byDay.get(a.day) ?? []), a.personId])])
    const out = new Map<string, number>()
    for (const [day, personIds] of byDay) {
      const found = await otherChildrenInHousehold(executor, personIds, day)
      for (const [personId, others] of found) out.set(householdKey(personId, day), others.length)
    }
    return out
  }
  const service = investigationsService({
    ...deps,
    standards,
    people: {
      async find(idOrRef, q) {
        const person = await children.find(idOrRef, q)
        return person
          ? { id: person.id, ref: person.ref, name: displayName(person), dateOfBirth: person.dateOfBirth }
          : undefined
      },
    },
  })
  const sources = {
    childrenInHousehold,
    teamCadences: () => deps.organisation.teamsSql(),
    trainingRecords: () => deps.organisation.trainingRecordsSql(),
  }
  // The rules read households, team cadences and training inside the writer's transaction through these.
  return Object.assign(service, { ruleSources: sources })
}

export type Investigations = ReturnType<typeof createInvestigations>

declare module '../../platform/module.ts' {
  interface ModuleServices {
    investigations: Investigations
  }
}

/** Child abuse investigations: allocation, strategy discussions, supervision, outcomes and the INV rules. */
export const investigationsModule = defineModule({
  name: 'investigations',
  needs: ['organisation', 'standards', 'children', 'missing'],
  migrations: [investigationsMigration],
  importKinds: investigationImportKinds,
  seed: investigationsSeed,
  menu: [{ text: 'Investigations', href: investigationsPath, access: investigationReaders, position: 50 }],
  create: createInvestigations,
  measures: (_investigations, { clock, organisation }) => investigationsModuleMeasures(clock, organisation),
  rules: (investigations) => investigationRules(investigations.ruleSources),
  subjectLinks: { [investigationKind.kind]: (id) => `/investigations/${id}` },
  timeline: (investigations) => (personId, reach, asOf) =>
    investigations.timelineItems(personId, reach, asOf),
  // The missing grading page shows the child's open investigations at the point of decision.
  wire(investigations, { missing }) {
    missing.registerOpenCasesProvider((personId, reach) => investigations.openCasesFor(personId, reach))
  },
  routes(app, services) {
    investigationsRoutes(app, services)
    investigationsApi(app, services)
  },
})
