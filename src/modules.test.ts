import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestKestrel, testKestrel } from '../test/app.ts'
import { importKinds, migrations, modules, seedGenerators } from './modules.ts'
import { platformMigrations } from './platform/migrations.ts'
import { type AnyModule, migrationsOf } from './platform/module.ts'
import { navigationOf } from './routes.ts'

/** The rule ids a module declares, read the way the root registers them. */
function ruleIdsOf(module: AnyModule, kestrel: TestKestrel): string[] {
  const services = kestrel.services as unknown as Record<string, unknown>
  const rules =
    typeof module.rules === 'function'
      ? module.rules(services[module.name], kestrel.services)
      : (module.rules ?? [])
  return rules.map((r) => r.id)
}

/** The measures a module declares, read the way the root registers them. */
function measuresOf(module: AnyModule, kestrel: TestKestrel) {
  const services = kestrel.services as unknown as Record<string, unknown>
  return typeof module.measures === 'function'
    ? module.measures(services[module.name], kestrel.services)
    : (module.measures ?? [])
}

/** The routes a module's routes() registers, found by registering it alone on a recorder. */
function routesOf(
  module: AnyModule,
  kestrel: TestKestrel,
): { method: string; url: string; access: unknown }[] {
  const found: { method: string; url: string; access: unknown }[] = []
  const record = (method: string) => (url: string, options: unknown) => {
    const config = (options as { config?: { access?: unknown } } | undefined)?.config
    found.push({ method, url, access: config?.access })
  }
  const recorder = {
    get: record('GET'),
    post: record('POST'),
    put: record('PUT'),
    patch: record('PATCH'),
    delete: record('DELETE'),
    route: (o: { method: string | string[]; url: string; config?: { access?: unknown } }) =>
      found.push({ method: String(o.method), url: o.url, access: o.config?.access }),
    hasDecorator: () => true,
    decorate: () => undefined,
    apiOperations: [],
  }
  module.routes?.(recorder as never, kestrel.services)
  return found
}

describe('the root list of modules', () => {
  let kestrel: TestKestrel
  beforeAll(async () => {
    kestrel = await testKestrel()
  })
  afterAll(async () => kestrel?.close())

  it('wires every module fully: its service, kinds, rules, links, migrations and routes with access', async () => {
    const registered = kestrel.app.routeRegistry
    const applied = new Set(
      (await sql<{ name: string }>`select name from kestrel_migration`.execute(kestrel.services.db)).rows.map(
        (r) => r.name,
      ),
    )
    const kinds = new Set(kestrel.services.imports.kinds().map((k) => k.kind))
    const ruleIds = new Set(kestrel.services.standards.rules().map((r) => r.id))
    for (const module of modules) {
      if (module.create) expect(kestrel.services, module.name).toHaveProperty(module.name)
      for (const kind of module.importKinds ?? [])
        expect(kinds.has(kind.kind), `${module.name}: ${kind.kind}`).toBe(true)
      for (const id of ruleIdsOf(module, kestrel)) expect(ruleIds.has(id), `${module.name}: ${id}`).toBe(true)
      for (const migration of module.migrations ?? [])
        expect(applied.has(migration.name), migration.name).toBe(true)
      for (const route of routesOf(module, kestrel)) {
        expect(route.access, `${module.name}: ${route.method} ${route.url} declares access`).toBeDefined()
        const served = registered.some((r) => r.url === route.url && String(r.method).includes(route.method))
        expect(served, `${module.name}: ${route.method} ${route.url} is served`).toBe(true)
      }
    }
    // Every measure a module declares is registered under its name, and only those.
    const measureIds = kestrel.services.measures.all().map((m) => m.id)
    const declaredMeasures = modules.flatMap((m) => measuresOf(m, kestrel).map((measure) => measure.id))
    expect(measureIds.sort()).toEqual(declaredMeasures.sort())
    expect(measureIds.length).toBeGreaterThan(0)
    // Every registered rule belongs to a module in the list: nothing is wired from elsewhere.
    const declared = new Set(modules.flatMap((m) => ruleIdsOf(m, kestrel)))
    expect([...ruleIds].filter((id) => !declared.has(id))).toEqual([])
    expect(migrations.length).toBe(applied.size)
  })

  it('takes every measure force-wide and for some boroughs, through the executor given', async () => {
    const scope = { from: new Date('2018-01-01T00:00:00Z'), until: new Date('2019-01-01T00:00:00Z') }
    const elsewhere = ['00000000-0000-4000-8000-000000000000']
    for (const measure of kestrel.services.measures.all()) {
      for (const boroughIds of [null, elsewhere, []]) {
        const result = await kestrel.services.db
          .transaction()
          .execute((trx) => measure.take(trx, { ...scope, boroughIds }))
        expect(result.over, `${measure.id} ${boroughIds}`).toBeGreaterThanOrEqual(0)
        // Nothing to take it over: no value, rather than a zero that reads as a failing.
        if (result.over === 0) expect(result.value, measure.id).toBeNull()
      }
    }
  })

  it('derives the import order from what each kind refers to', () => {
    const position = new Map(importKinds.map((k, i) => [k.kind, i]))
    for (const kind of importKinds)
      for (const target of kind.refersTo ?? [])
        if (target !== kind.kind)
          expect(position.get(target), `${target} before ${kind.kind}`).toBeLessThan(
            position.get(kind.kind) as number,
          )
    expect(seedGenerators.map((g) => g.name)).toEqual(modules.flatMap((m) => (m.seed ? [m.seed.name] : [])))
  })

  it('removes all of a module when it leaves the list', async () => {
    const triage = modules.find((m) => m.name === 'triage') as AnyModule
    const without = modules.filter((m) => m !== triage)
    const smaller = await testKestrel({ modules: without })
    try {
      const urls = smaller.app.routeRegistry.map((r) => r.url)
      const triageUrls = routesOf(triage, kestrel).map((r) => r.url)
      expect(triageUrls.length).toBeGreaterThan(0)
      for (const url of triageUrls) expect(urls, url).not.toContain(url)
      const kinds = smaller.services.imports.kinds().map((k) => k.kind)
      for (const kind of triage.importKinds ?? []) expect(kinds).not.toContain(kind.kind)
      const ruleIds = smaller.services.standards.rules().map((r) => r.id)
      for (const id of ruleIdsOf(triage, kestrel)) expect(ruleIds).not.toContain(id)
      expect(smaller.services).not.toHaveProperty('triage')
      const names = migrationsOf(without, platformMigrations).map((m) => m.name)
      for (const migration of triage.migrations ?? []) expect(names).not.toContain(migration.name)
      const menu = navigationOf(without).map((item) => item.href)
      for (const item of triage.menu ?? []) expect(menu).not.toContain(item.href)
      expect(navigationOf(modules).map((item) => item.href)).toContain('/devices')
    } finally {
      await smaller.close()
    }
  })
})
