import type { FastifyInstance } from 'fastify'
import type { MergeHook } from '../modules/children/service.ts'
import type { TimelineProvider } from '../modules/children/timeline.ts'
import type { Services } from '../services.ts'
import type { AnyRule } from '../standards/rule.ts'
import type { Access } from './access/access.ts'
import type { Role } from './access/roles.ts'
import type { Database } from './db/database.ts'
import type { KestrelMigration } from './db/migrator.ts'
import type { ImportKind } from './import/kinds.ts'
import type { ScheduledJob } from './jobs.ts'
import type { Measure } from './measures.ts'
import type { SeedGenerator } from './seed/seeder.ts'
import type { StartPanel } from './start-panels.ts'

/**
 * Each module's service, by module name. A module adds its own entry where it is defined, by declaration
 * merging (`declare module '../../platform/module.ts' { interface ModuleServices { custody: Custody } }`),
 * so the whole service set is typed without a root file that names every module.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by each module's declaration.
export interface ModuleServices {}

/** A menu item a module brings; `position` orders the whole menu (lower first), since modules are listed by dependency. */
export interface MenuItem {
  text: string
  href: string
  access: Access
  position: number
  /** Less used (administration, reference): listed under "More" rather than in the menu's row. */
  more?: boolean
  /** The roles whose own work this is: kept in their menu's row before the rest, however long the menu. */
  rowFor?: readonly Role[]
}

type ServiceOf<Name extends string> = Name extends keyof ModuleServices ? ModuleServices[Name] : undefined

/**
 * Everything one module brings to Kestrel, in one object, so a new module is one folder plus one line in the
 * root list (src/modules.ts). The root builds services in list order, gives each module the services built
 * before it, registers what the module declares with the standards engine and the person index, and
 * derives migrations, import order, demo data and the menu from the list.
 */
export interface KestrelModule<Name extends string = string, Built = ServiceOf<Name>> {
  name: Name
  /** Modules whose services create() reads; each must come earlier in the root list (checked at start). */
  needs?: readonly string[]
  /** This module's migrations; every module's are run together in name order (names are numbered). */
  migrations?: readonly KestrelMigration[]
  /** Kinds of JSON Lines record it accepts; the import order is derived from their `refersTo`. */
  importKinds?: readonly ImportKind[]
  /** Its demo data generator; generators run in root-list order, each may read what earlier ones shared. */
  seed?: SeedGenerator
  /**
   * What a force's database holds from its first start, before anyone signs in (the force's areas, the
   * reports' recommendations): run after migrating by migrate, serve, import and seed, in root-list order.
   * It does nothing when it is there already, and answers what it wrote, in a sentence (null for nothing).
   * Tests start without it, so one module's facts do not stand in every other module's test.
   */
  setUp?(db: Database): Promise<string | null>
  menu?: readonly MenuItem[]
  /**
   * Builds the module's service from the services built before it (only those named in `needs`, and the
   * platform's, are there yet), under the module's name in Services.
   */
  create?(services: Services): Built
  /** Its standards rules, registered with the engine once the service is built. */
  rules?: readonly AnyRule[] | ((built: Built, services: Services) => readonly AnyRule[])
  /**
   * Its measures of the service given to children, for the dashboard: named `<module>.<name>`, registered
   * in `services.measures` once the service is built.
   */
  measures?: readonly Measure[] | ((built: Built, services: Services) => readonly Measure[])
  /** Where the engine links a finding on each subject kind the module owns. */
  subjectLinks?: Readonly<Record<string, (subjectId: string) => string>>
  /** Its records on each child's chronology. */
  timeline?(built: Built): TimelineProvider
  /** Moves its records to the surviving person when two person records are found to be one child. */
  onMerge?: MergeHook
  /** Work it repeats on a schedule while a server runs (`kestrel serve` starts every module's). */
  jobs?(built: Built, services: Services): readonly ScheduledJob[]
  /** Its panels on Home, each role's start page (its queues' counts and most urgent items), each for the roles it names. */
  startPanels?(built: Built, services: Services): readonly StartPanel[]
  /** Anything else it hands to modules listed before it, once every service is built. */
  wire?(built: Built, services: Services): void
  /** Its pages and API operations; each route declares its access (the route sweep fails one that does not). */
  routes?(app: FastifyInstance, services: Services): void
}

/**
 * Declares a module with its types checked inside: create() must return what the module declared under its
 * name in ModuleServices. The root list holds modules of every shape, so the result is erased.
 */
export function defineModule<const Name extends string>(module: KestrelModule<Name>): AnyModule {
  return module as unknown as AnyModule
}

/** A module as the root list holds it: its service's type is read back through ModuleServices by name. */
export type AnyModule = KestrelModule<string, unknown>

/** Every module's migrations in name order; two migrations with one name would be a mistake in the list. */
export function migrationsOf(modules: readonly AnyModule[], platform: readonly KestrelMigration[]) {
  const all = [...platform, ...modules.flatMap((m) => m.migrations ?? [])]
  const names = new Set<string>()
  for (const migration of all) {
    if (names.has(migration.name)) throw new Error(`Two migrations are named ${migration.name}`)
    names.add(migration.name)
  }
  return all.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

/**
 * Import kinds in dependency order: a kind comes after every kind it refers to, so a batch can name records
 * it also creates. Ties keep root-list order, so the order is stable as modules are added.
 */
export function importOrder(kinds: readonly ImportKind[]): ImportKind[] {
  const byName = new Map(kinds.map((k) => [k.kind, k]))
  const placed = new Set<string>()
  const visiting = new Set<string>()
  const order: ImportKind[] = []
  const place = (kind: ImportKind, path: string[]) => {
    if (placed.has(kind.kind)) return
    if (visiting.has(kind.kind))
      throw new Error(`Import kinds refer to each other in a circle: ${path.join(' → ')}`)
    visiting.add(kind.kind)
    for (const name of kind.refersTo ?? []) {
      if (name === kind.kind) continue
      const target = byName.get(name)
      if (!target) throw new Error(`Import kind "${kind.kind}" refers to "${name}", which no module declares`)
      place(target, [...path, name])
    }
    visiting.delete(kind.kind)
    placed.add(kind.kind)
    order.push(kind)
  }
  for (const kind of kinds) place(kind, [kind.kind])
  return order
}

/** Checks that every module's `needs` are listed before it: create() could not otherwise be given them. */
export function checkModuleOrder(modules: readonly AnyModule[]) {
  const seen = new Set<string>()
  for (const module of modules) {
    if (seen.has(module.name)) throw new Error(`Module ${module.name} is listed twice`)
    for (const need of module.needs ?? [])
      if (!seen.has(need))
        throw new Error(`Module ${module.name} needs ${need}, which must be listed before it`)
    seen.add(module.name)
  }
}

/** Every module's start-page panels, each given its module's service, in position order. */
export function moduleStartPanels(services: Services): StartPanel[] {
  const byName = services as unknown as Record<string, unknown>
  return services.modules
    .flatMap((m) => [...(m.startPanels?.(byName[m.name], services) ?? [])])
    .sort((a, b) => a.position - b.position)
}

/** Every module's scheduled jobs, each given its module's service. */
export function moduleJobs(services: Services): ScheduledJob[] {
  const byName = services as unknown as Record<string, unknown>
  return services.modules.flatMap((m) => [...(m.jobs?.(byName[m.name], services) ?? [])])
}
