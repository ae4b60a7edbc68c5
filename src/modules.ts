import { auditsModule } from './modules/audits/module.ts'
import { childrenModule } from './modules/children/module.ts'
import { custodyModule } from './modules/custody/module.ts'
import { dashboardModule } from './modules/dashboard/module.ts'
import { homeModule } from './modules/home/module.ts'
import { investigationsModule } from './modules/investigations/module.ts'
import { missingModule } from './modules/missing/module.ts'
import { offendersModule } from './modules/offenders/module.ts'
import { onlineModule } from './modules/online/module.ts'
import { organisationModule } from './modules/organisation/module.ts'
import { recommendationsModule } from './modules/recommendations/module.ts'
import { referralsModule } from './modules/referrals/module.ts'
import { skillsModule } from './modules/skills/module.ts'
import { triageModule } from './modules/triage/module.ts'
import { platformMigrations } from './platform/migrations.ts'
import { type AnyModule, checkModuleOrder, importOrder, migrationsOf } from './platform/module.ts'
import { standardsModule } from './standards/module.ts'

/**
 * Every module Kestrel has, each after the modules it needs. This list is the one place a new module is
 * added: its migrations, import kinds, demo data, rules, menu items and pages all follow from it.
 */
export const modules: readonly AnyModule[] = [
  homeModule,
  organisationModule,
  childrenModule,
  standardsModule,
  referralsModule,
  custodyModule,
  missingModule,
  investigationsModule,
  triageModule,
  offendersModule,
  onlineModule,
  recommendationsModule,
  auditsModule,
  skillsModule,
  // Last: the dashboard reads every module's measures through the registry.
  dashboardModule,
]

checkModuleOrder(modules)

/** Every migration, platform and modules', in the order it runs. */
export const migrations = migrationsOf(modules, platformMigrations)

/** Every kind of record Kestrel accepts in JSON Lines, each after the kinds it refers to. */
export const importKinds = importOrder(modules.flatMap((m) => m.importKinds ?? []))

/** Demo data generators, in list order: each may use what the ones before it shared. */
export const seedGenerators = modules.flatMap((m) => (m.seed ? [m.seed] : []))
