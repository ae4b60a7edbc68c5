import { defineModule } from '../../platform/module.ts'
import { personReaders } from './access.ts'
import { childrenApiRoutes } from './api.ts'
import { householdMembershipImportKind, personFlagImportKind, personImportKind } from './import-kinds.ts'
import { childrenMigration } from './migrations/0005-children.ts'
import { relationshipRefMigration } from './migrations/0031-relationship-ref.ts'
import { relationshipImportKind } from './relationship-import.ts'
import { childrenRoutes, peoplePath } from './routes.ts'
import { type ChildrenService, childrenService } from './service.ts'

declare module '../../platform/module.ts' {
  interface ModuleServices {
    children: ChildrenService
  }
}

/** The person index: every child and adult once, with addresses, households, flags and a chronology. */
export const childrenModule = defineModule({
  name: 'children',
  migrations: [childrenMigration, relationshipRefMigration],
  importKinds: [
    personImportKind,
    householdMembershipImportKind,
    personFlagImportKind,
    relationshipImportKind,
  ],
  menu: [{ text: 'People', href: peoplePath, access: personReaders, position: 20 }],
  create: ({ db, clock, history, accessLog, changes }) =>
    childrenService(db, clock, { history, accessLog, changes }),
  routes(app, services) {
    childrenRoutes(app, services)
    childrenApiRoutes(app, services)
  },
})
