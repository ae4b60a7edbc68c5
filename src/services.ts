import { modules as allModules } from './modules.ts'
import { accessLogService } from './platform/access/access-log.ts'
import { accountService } from './platform/auth/accounts.ts'
import { sessionStore } from './platform/auth/sessions.ts'
import { signInAttempts } from './platform/auth/sign-in-attempts.ts'
import { principalLoader } from './platform/auth/users.ts'
import type { Clock } from './platform/clock.ts'
import type { Config } from './platform/config.ts'
import { changeNotices } from './platform/db/change-notices.ts'
import type { Database, DatabaseKind } from './platform/db/database.ts'
import { historyService } from './platform/db/history.ts'
import { apiTokenService } from './platform/http/api-tokens.ts'
import { importer } from './platform/import/importer.ts'
import { measureRegistry } from './platform/measures.ts'
import { type AnyModule, importOrder, type ModuleServices } from './platform/module.ts'

export interface CoreDependencies {
  config: Config
  db: Database
  dbKind: DatabaseKind
  clock: Clock
}

/** What the platform provides to every module: sign-in, the access log, history and API tokens. */
function platformServices(deps: CoreDependencies) {
  const { db, clock, config } = deps
  const sessions = sessionStore(db, clock, config.sessionHours, config.sessionIdleMinutes)
  const accessLog = accessLogService(db, clock)
  const history = historyService(db, clock)
  const apiTokens = apiTokenService(db, clock, accessLog)
  const accounts = accountService(db, clock)
  const signIns = signInAttempts(db, clock)
  // Each module's measures, registered as its rules are; the dashboard reads them only through this.
  const measures = measureRegistry()
  const changes = changeNotices()
  return { ...deps, sessions, accessLog, history, apiTokens, accounts, signIns, measures, changes }
}

type PlatformServices = ReturnType<typeof platformServices>
type Assembled = PlatformServices &
  ModuleServices & {
    principals: ReturnType<typeof principalLoader>
    imports: ReturnType<typeof importer>
    /** The modules this application was built from, in order. */
    modules: readonly AnyModule[]
  }

/** Every service Kestrel has: the platform's, then each module's under its name. */
export type Services = Assembled

/**
 * Every service Kestrel has, built in one place with no container: the platform's, then each module's in
 * root-list order from the services built before it, then what each module declared is registered with the
 * standards engine and the person index. Modules reach each other only through what is returned here.
 */
export function createServices(deps: CoreDependencies, modules: readonly AnyModule[] = allModules): Services {
  const services = platformServices(deps) as unknown as Record<string, unknown>
  const built = new Map<AnyModule, unknown>()
  for (const module of modules) {
    if (!module.create) continue
    const service = module.create(services as unknown as Services)
    services[module.name] = service
    built.set(module, service)
  }
  const all = services as unknown as Services
  const { standards, children, organisation } = all
  for (const module of modules) {
    const service = built.get(module)
    const rules = typeof module.rules === 'function' ? module.rules(service, all) : (module.rules ?? [])
    for (const rule of rules) standards.register(rule)
    const measures =
      typeof module.measures === 'function' ? module.measures(service, all) : (module.measures ?? [])
    for (const measure of measures) all.measures.register(module.name, measure)
    for (const [kind, link] of Object.entries(module.subjectLinks ?? {}))
      standards.registerSubjectLink(kind, link)
    if (module.timeline) children.registerTimelineProvider(module.timeline(service))
    if (module.onMerge) children.onMerge(module.onMerge)
    module.wire?.(service, all)
  }
  // A change a page makes to rows other modules' rules read (the person index's people and their links; the
  // organisation's teams, staff and boroughs) re-evaluates, before it commits, the rules depending on them,
  // as an import's batch does by table.
  all.changes.listen(async (trx, table, ids) => {
    await standards.afterChange(trx, new Map([[table, [...ids]]]))
  })
  const { db, clock, config, sessions, accessLog } = all
  const principals = principalLoader(db, clock, sessions, organisation.resolveArea)
  // Rules are evaluated for everything a batch wrote before it commits, as for a write through a page.
  const imports = importer(
    db,
    clock,
    importOrder(modules.flatMap((m) => m.importKinds ?? [])),
    {
      // A row the batch rewrites may leave the subjects its dependent rules mapped it to (an episode moved
      // to another unit): they are read first, and judged again with the rest.
      watches: standards.readsTable,
      beforeRewrite: (trx, table, ids) => standards.dependents(trx, new Map([[table, ids]])),
      after: async (trx, written, { records, actor, changed, before }) => {
        for (const [subjectKind, ids] of written) await standards.afterWrite(trx, subjectKind, ids)
        await standards.afterChange(trx, changed, written, before)
        // Every record an import writes is a change, logged like a change made through a page.
        await accessLog.recordMany(
          records.map((r) => ({
            actorId: actor,
            actorName: actor,
            action: 'import',
            subjectKind: r.kind,
            subjectId: r.id,
            detail: { ref: r.ref },
          })),
          trx,
        )
      },
    },
    config,
    (id) => all.measures.get(id) !== undefined,
  )
  return Object.assign(all, { principals, imports, modules })
}
