import { allow } from '../../platform/access/access.ts'
import { defineModule } from '../../platform/module.ts'
import { organisationImportKinds } from './import-kinds.ts'
import { ensureOrganisation } from './london-seed.ts'
import { organisationMigration } from './migrations/0002-organisation.ts'
import { wardsMigration } from './migrations/0022-wards-and-neighbourhood-teams.ts'
import { organisationPath, organisationRoutes } from './routes.ts'
import { organisationSeed } from './seed.ts'
import { type OrganisationService, organisationService } from './service.ts'

declare module '../../platform/module.ts' {
  interface ModuleServices {
    organisation: OrganisationService
  }
}

/** The force's structure: BCUs, boroughs, teams and staff, which every other module's scope is read from. */
export const organisationModule = defineModule({
  name: 'organisation',
  migrations: [organisationMigration, wardsMigration],
  importKinds: organisationImportKinds,
  seed: organisationSeed,
  setUp: async (db) =>
    (await ensureOrganisation({ db }))
      ? 'Set up the force: the Metropolitan Police Service, its boroughs and BCUs.'
      : null,
  menu: [
    {
      text: 'Organisation',
      href: organisationPath,
      access: allow('admin', 'bcu_lead', 'force_lead'),
      position: 150,
      more: true,
    },
  ],
  create: ({ db, clock, changes }) => organisationService(db, clock, changes),
  routes: organisationRoutes,
})
