import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { forceWideEditors } from '../src/modules/children/access.ts'
import { permits } from '../src/platform/access/access.ts'
import { forceWideRoles, roles } from '../src/platform/access/roles.ts'
import { type TestKestrel, testKestrel } from './app.ts'
import { instanceOf, postForms } from './sweep-bodies.ts'
import {
  type BoroughKey,
  boroughKeys,
  type SweepFixture,
  type SweepPrincipal,
  type SweepRecord,
  sweepFixture,
} from './sweep-fixture.ts'
import {
  classesOf,
  fill,
  isApiPath,
  Markers,
  paramsOf,
  prefixThrough,
  routeKey,
  type SweptRoute,
  tuplesFrom,
  type ValueClass,
  valuesOf,
} from './sweep-plan.ts'

/**
 * Issue 13: no answer shows a record outside the asker's area. Generated from the app itself: every
 * registered route (pages and API) is asked by every role, in BCU A and in BCU B, and by an API token of
 * every role (no area), with every record of every kind its path takes, from three boroughs: A1 (BCU A),
 * B1 (BCU B) and M (A's when its records were made, B's today). Lists are asked plainly. Writes are sent
 * only for records outside the asker's area, with the page's own form filled or the API's documented
 * request, and must be refused (4xx) with nothing changed. A route added later is swept as soon as it is
 * registered, and fails the coverage test until it is sweepable.
 */

const SAMPLE = '00000000-0000-4000-8000-000000000000'
const writeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/**
 * Routes the sweep does not send. Public routes (assets, health, sign-in) are left out by their own
 * declaration: they hold nothing about anyone. Writes only force-wide roles may use are left out by
 * theirs: the force is their area, so no record is outside it (their pages are still read by the
 * force-wide roles, for errors). Anything else must be listed here with the reason.
 */
const notSwept: Record<string, string> = {
  'POST /logout': 'ends the sweep’s own session; it reads and writes no record',
}

let kestrel: TestKestrel
let fixture: SweepFixture
const routes: SweptRoute[] = []
const violations: string[] = []
const exercised = new Set<string>()
const stats = {
  personIndexShown: 0,
  personIndexChanged: 0,
  requests: 0,
  probes: 0,
  writes: 0,
  lists: 0,
  withRecords: 0,
  seconds: 0,
}

beforeAll(async () => {
  const started = Date.now()
  kestrel = await testKestrel()
  fixture = await sweepFixture(kestrel)
  for (const route of kestrel.app.routeRegistry)
    for (const method of [route.method].flat())
      if (method !== 'HEAD' && route.config?.access)
        routes.push({ method, url: route.url, access: route.config.access })
  await sweep()
  stats.seconds = Math.round((Date.now() - started) / 1000)
  const sensitive = fixture.records.filter((r) => r.sensitive)
  const left = (reason: string) => routes.filter((r) => exclusionOf(r) === reason).length
  console.log(
    `need-to-know sweep: ${swept().length} routes (of ${routes.length}: ${left('public')} public, ` +
      `${left('force-wide only')} force-wide-only writes, ${Object.keys(notSwept).length} listed not swept) × ` +
      `${fixture.principals.length} principals × ` +
      `${sensitive.length} records (${fixture.records.filter((r) => r.inPaths).length} put in paths) = ` +
      `${stats.requests} requests (${stats.probes} probes, ${stats.lists} plain, ${stats.withRecords} with records, ` +
      `${stats.writes} writes) in ${stats.seconds} s; ${violations.length} violations; ` +
      `${stats.personIndexShown} answers showed another area's person-index data and ` +
      `${stats.personIndexChanged} writes to another area's person were the MASH's (decision 0007)`,
  )
}, 1_200_000)
afterAll(() => kestrel?.close())

/** The routes the sweep must send: all but the public ones, force-wide-only writes and the list above. */
function swept(): SweptRoute[] {
  return routes.filter((route) => exclusionOf(route) === undefined)
}
function exclusionOf(route: SweptRoute): string | undefined {
  if (route.access.kind === 'public') return 'public'
  if (
    writeMethods.has(route.method) &&
    roles.every((r) => forceWideRoles.has(r) || !permits(route.access, [r]))
  )
    return 'force-wide only'
  return notSwept[routeKey(route)]
}

// ---------- asking ----------

interface Answer {
  status: number
  body: string
  location: string | undefined
}

/** A write's body: the page's own form, filled, or the API's documented request; empty for a create. */
type WriteBody = { form: [string, string][] } | { json: unknown }

async function ask(
  principal: SweepPrincipal,
  route: SweptRoute,
  url: string,
  substituted: readonly string[],
  body?: WriteBody,
): Promise<Answer> {
  stats.requests++
  exercised.add(routeKey(route))
  const headers: Record<string, string> = { ...principal.headers }
  let payload: string | undefined
  const sent: string[] = [...substituted]
  if (writeMethods.has(route.method)) {
    if (principal.csrfToken) headers['x-csrf-token'] = principal.csrfToken
    if (isApiPath(route.url)) {
      headers['content-type'] = 'application/json'
      const json = body && 'json' in body ? body.json : {}
      payload = JSON.stringify(json)
      sent.push(...leavesOf(json))
    } else {
      headers['content-type'] = 'application/x-www-form-urlencoded'
      const form = new URLSearchParams(body && 'form' in body ? body.form : [])
      sent.push(...form.values())
      if (principal.csrfToken) form.set('_csrf', principal.csrfToken)
      payload = form.toString()
    }
  }
  const response = await kestrel.app.inject({
    method: route.method as 'GET',
    url,
    headers,
    ...(payload === undefined ? {} : { payload }),
  })
  const answer = {
    status: response.statusCode,
    body: response.body,
    location: response.headers.location as string | undefined,
  }
  if (route.method === 'GET' && answer.status === 200) collectForms(answer.body)
  check(
    principal,
    route,
    url,
    answer,
    sent.filter((v) => v.length > 3),
  )
  return answer
}

/** The strings in a JSON value: what a write sent, which its refusal may repeat. */
function leavesOf(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (value && typeof value === 'object') return Object.values(value).flatMap(leavesOf)
  return []
}

// ---------- the bodies writes are sent with ----------

/** Each page write's form, as the first page showing it had it, filled; by route. */
const forms = new Map<string, [string, string][]>()
/** Each API write's minimal documented request, by route. */
const apiBodies = new Map<string, unknown>()

function collectForms(html: string) {
  if (!html.includes('<form')) return
  for (const form of postForms(html, new Date())) {
    const path = form.action.split('?')[0] as string
    const route = routes.find((r) => r.method === 'POST' && patternOf(r.url).test(path))
    if (route && !forms.has(routeKey(route))) forms.set(routeKey(route), form.fields)
  }
}

const patterns = new Map<string, RegExp>()
function patternOf(url: string): RegExp {
  let pattern = patterns.get(url)
  if (!pattern) {
    const escaped = url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z0-9_]+/g, '[^/]+')
    pattern = new RegExp(`^${escaped}$`)
    patterns.set(url, pattern)
  }
  return pattern
}

async function readApiBodies() {
  const admin = fixture.principals.find((p) => p.label === 'admin@A') as SweepPrincipal
  const response = await kestrel.app.inject({ url: '/api/docs/openapi.json', headers: admin.headers })
  const paths = (response.json() as { paths: Record<string, Record<string, OpenApiOperation>> }).paths
  for (const [path, operations] of Object.entries(paths))
    for (const [method, operation] of Object.entries(operations)) {
      const schema = operation.requestBody?.content?.['application/json']?.schema
      if (schema)
        apiBodies.set(`${method.toUpperCase()} ${fromOpenApi(path)}`, instanceOf(schema, new Date()))
    }
}
interface OpenApiOperation {
  requestBody?: { content?: Record<string, { schema?: Parameters<typeof instanceOf>[0] }> }
}
const fromOpenApi = (path: string) => path.replace(/\{([^}]+)\}/g, ':$1')

function bodyFor(route: SweptRoute): WriteBody {
  if (isApiPath(route.url)) return { json: apiBodies.get(routeKey(route)) ?? {} }
  return { form: forms.get(routeKey(route)) ?? [] }
}

const markersByArea = new Map<string, Markers>()
/**
 * What gives away another area's records in an answer. On a page about a person, that person's index data
 * (details, names, households, flags) is not among them: the person index is read force-wide by every staff
 * role, by decision (docs/decisions/0007-person-index-access.md). Their PACs, episodes, cases and the rest
 * still are.
 */
/**
 * Kinds a role reads force-wide by decision, though the role has an area: the specialist online team holds
 * every online case in the force (docs/decisions/0010-online-cases-need-to-know.md).
 */
const forceWideKinds: Partial<Record<SweepPrincipal['role'], readonly string[]>> = {
  online_csae: ['online-case'],
}

function markersFor(principal: SweepPrincipal, indexShown: boolean): Markers {
  const foreign = fixture.foreignBoroughs(principal)
  const theirs = forceWideKinds[principal.role] ?? []
  const key = `${foreign.join(',')} ${indexShown} ${theirs.join(',')}`
  let markers = markersByArea.get(key)
  if (!markers) {
    // A kind held force-wide takes its findings with it: they are shown on its record's page.
    const held = (r: SweepRecord) =>
      theirs.includes(r.kind) || (r.about !== undefined && theirs.includes(r.about))
    const records = fixture.records.filter((r) => foreign.includes(r.borough) && !held(r))
    markers = new Markers(
      indexShown ? records.filter((r) => !r.personIndex).map((r) => ({ ...r, names: [] })) : records,
    )
    markersByArea.set(key, markers)
  }
  return markers
}

/** A route about a person (it takes one), or the list of them: the person index's own pages and API. */
function aboutAPerson(url: string): boolean {
  const takesPerson = (u: string) =>
    paramsOf(u).some((_, i) => classCache.get(`${u}#${i}`)?.some((c) => c.kind === 'person'))
  return takesPerson(url) || routes.some((r) => r.url.startsWith(`${url}/:`) && takesPerson(r.url))
}

/** No 5xx; nothing of another area in an answer (a refusal or a redirect may repeat the path it was asked). */
function check(
  principal: SweepPrincipal,
  route: SweptRoute,
  url: string,
  answer: Answer,
  substituted: readonly string[],
) {
  const who = `${principal.label} ${route.method} ${url}`
  if (answer.status >= 500) {
    violations.push(`${who} -> ${answer.status}: ${answer.body.slice(0, 200).replace(/\s+/g, ' ')}`)
    return
  }
  // A redirect may repeat what it was asked (a ref's page sends on to the id's: the id is what it gives away).
  const unasked = (text: string) =>
    substituted.reduce((t, v) => t.split(encodeURIComponent(v)).join('').split(v).join(''), text)
  const body = answer.status >= 400 ? unasked(answer.body) : answer.body
  const text = `${body}\n${unasked(answer.location ?? '')}`
  const indexShown = aboutAPerson(route.url)
  const leaks = markersFor(principal, indexShown).leaksIn(text)
  if (indexShown && markersFor(principal, false).leaksIn(text).length > leaks.length) stats.personIndexShown++
  if (leaks.length) violations.push(`${who} -> ${answer.status} leaked ${leaks.join('; ')}`)
}

/**
 * Who may ask a route: users always, API tokens only on the API; never a role the route refuses (that is
 * the role gate's test, routes.test.ts). A force-wide role's B user is left out: area plays no part for it.
 */
function askers(route: SweptRoute): SweepPrincipal[] {
  return fixture.principals.filter(
    (p) =>
      permits(route.access, [p.role]) &&
      (p.kind === 'user' || isApiPath(route.url)) &&
      !(p.forceWide && p.bcu === 'B'),
  )
}

// ---------- what a route's parameters take ----------

const classCache = new Map<string, ValueClass[]>()
let allClasses: ValueClass[] = []

/**
 * The kinds of record a route's `index`th parameter takes, found by asking, not listed: the page that
 * names the record (the pattern up to that parameter) is asked, by a force-wide role where the route
 * admits one, else by an A user, with an A1 record of every kind by id and by ref; the kinds it answers
 * (below 400) are the ones it takes. A write takes what its page takes; a parameter no page names, by
 * its name or else any record's id.
 */
async function classesFor(url: string, index: number): Promise<ValueClass[]> {
  const key = `${url}#${index}`
  const cached = classCache.get(key)
  if (cached) return cached
  let classes: ValueClass[]
  const prefix = prefixThrough(url, index)
  const page = (u: string) => routes.find((r) => r.method === 'GET' && r.url === u)
  const named = prefix !== url ? page(prefix) : undefined
  if (named) classes = await classesFor(prefix, index)
  else if (page(url)) classes = await probe(page(url) as SweptRoute, index)
  else classes = byName(paramsOf(url)[index] as string)
  classCache.set(key, classes)
  return classes
}

/** A parameter no page names takes the kind it is named after (actionId: an action), else any record's id. */
function byName(param: string): ValueClass[] {
  const named = param.replace(/Id$/, '').toLowerCase()
  const kinds = allClasses.filter((c) => c.kind === named || c.kind.endsWith(`-${named}`))
  if (kinds.length) return kinds
  const sensitive = new Set(fixture.records.filter((r) => r.sensitive).map((r) => r.kind))
  return allClasses.filter((c) => c.form === 'id' && sensitive.has(c.kind))
}

async function probe(route: SweptRoute, index: number): Promise<ValueClass[]> {
  const candidates = askers(route).filter((p) => p.kind === 'user')
  const prober =
    candidates.find((p) => p.forceWide && p.role === 'admin') ??
    candidates.find((p) => p.forceWide) ??
    candidates.find((p) => p.bcu === 'A')
  if (!prober) return []
  const before: string[] = []
  for (let j = 0; j < index; j++) {
    const c = (await classesFor(route.url, j))[0]
    before.push((c && valuesOf(fixture.records, c, 'A1')[0]) ?? SAMPLE)
  }
  const after = paramsOf(route.url)
    .slice(index + 1)
    .map(() => SAMPLE)
  const taken: ValueClass[] = []
  for (const c of allClasses) {
    // Another record than the ones already in the path: a merge of a child with itself is refused.
    const choices = valuesOf(fixture.records, c, 'A1')
    const value = choices.find((v) => !before.includes(v)) ?? choices[0]
    if (!value) continue
    const values = [...before, value, ...after]
    stats.probes++
    const answer = await ask(prober, route, fill(route.url, values), values)
    if (answer.status < 400) taken.push(c)
  }
  return taken
}

/** For each parameter, the values of the kinds it takes in one borough (a sample id where it takes none). */
async function valueLists(url: string, borough: BoroughKey): Promise<string[][]> {
  const lists: string[][] = []
  for (let i = 0; i < paramsOf(url).length; i++) {
    const classes = await classesFor(url, i)
    lists.push(classes.length ? classes.flatMap((c) => valuesOf(fixture.records, c, borough)) : [SAMPLE])
  }
  return lists
}

// ---------- the sweep ----------

async function sweep() {
  allClasses = classesOf(fixture.records)
  await readApiBodies()
  // What every parameter takes, first: a list's answer is judged by what its records' pages take.
  for (const route of swept())
    for (let i = 0; i < paramsOf(route.url).length; i++) await classesFor(route.url, i)
  const reads = swept().filter((r) => r.method === 'GET')
  // Merges go last: the MASH may merge people anywhere (decision 0007), and a merge moves one child's records
  // onto another, so a later answer would show a record under a name the markers place in another area.
  const merges = (r: SweptRoute) => (r.url.includes('/merge') ? 1 : 0)
  const writes = swept()
    .filter((r) => writeMethods.has(r.method))
    .sort((a, b) => merges(a) - merges(b))
  for (const route of reads) {
    if (!paramsOf(route.url).length) {
      for (const principal of askers(route)) {
        stats.lists++
        await ask(principal, route, route.url, [])
      }
      continue
    }
    const tuples = await tuplesOf(route, boroughKeys)
    for (const principal of askers(route))
      for (const values of tuples) {
        stats.withRecords++
        await ask(principal, route, fill(route.url, values), values)
      }
  }
  await watchWrites()
  let before = await snapshot()
  for (const route of writes) {
    const hasParams = paramsOf(route.url).length > 0
    for (const principal of askers(route).filter((p) => !p.forceWide)) {
      // A write is sent for records outside the asker's area only. A create names no record: it is sent
      // empty, for errors and leaks in its answer.
      const tuples = hasParams ? await tuplesOf(route, fixture.foreignBoroughs(principal)) : [[]]
      for (const values of tuples) {
        stats.writes++
        const url = fill(route.url, values)
        const answer = await ask(principal, route, url, values, hasParams ? bodyFor(route) : undefined)
        const after = await snapshot()
        const changed = [...after].filter(([table, count]) => before.get(table) !== count).map(([t]) => t)
        before = after
        if (!hasParams) continue
        // The MASH changes a person wherever they live, by decision 0007 (children/access.ts).
        if (aboutAPerson(route.url) && permits(forceWideEditors, [principal.role])) {
          stats.personIndexChanged++
          continue
        }
        // A kind the role holds force-wide by decision (the specialists' online cases) is theirs to change.
        const theirs = forceWideKinds[principal.role] ?? []
        const records = values.map((v) => fixture.records.find((r) => r.id === v || r.ref === v))
        if (
          theirs.length &&
          records.every((r) => r && (theirs.includes(r.kind) || theirs.includes(r.about ?? '')))
        )
          continue
        const who = `${principal.label} ${route.method} ${url}`
        if (answer.status < 400)
          violations.push(`${who} -> ${answer.status} to a write on another area's record`)
        if (changed.length) violations.push(`${who} -> ${answer.status} and changed ${changed.join(', ')}`)
      }
    }
  }
}

/**
 * The values to ask a route with: the records of each borough given, and, where it takes more than one,
 * a record of one borough under another borough's (an A1 child's page with B1's flag on it), where either
 * borough is given: a route that checks only the first must still refuse the second.
 */
async function tuplesOf(route: SweptRoute, boroughs: readonly BoroughKey[]): Promise<string[][]> {
  const seen = new Map<string, string[]>()
  const add = (values: string[]) => seen.set(values.join('|'), values)
  for (const borough of boroughs)
    for (const values of tuplesFrom(await valueLists(route.url, borough))) add(values)
  if (paramsOf(route.url).length > 1)
    for (const outer of boroughKeys)
      for (const inner of boroughKeys) {
        if (outer === inner || !(boroughs.includes(outer) || boroughs.includes(inner))) continue
        const [first] = tuplesFrom(await valueLists(route.url, outer))
        const [rest] = tuplesFrom(await valueLists(route.url, inner))
        if (first && rest) add([first[0] as string, ...rest.slice(1)])
      }
  return [...seen.values()]
}

/** Tables a read or a refusal may write: who asked, their session and token use. */
const unwatched = new Set(['access_log', 'access_log_head', 'user_session', 'api_token', 'app_user'])

/**
 * Counts every row written to every other table, by a trigger the sweep adds to its own copy of the
 * database, so a refused write that changed anything is caught (a rolled-back change counts nothing).
 */
async function watchWrites() {
  const db = kestrel.services.db
  await sql`create table sweep_writes (table_name text primary key, writes bigint not null)`.execute(db)
  await sql`create function sweep_count() returns trigger language plpgsql as $$
    begin
      insert into sweep_writes as w values (tg_table_name, 1)
        on conflict (table_name) do update set writes = w.writes + 1;
      return null;
    end $$`.execute(db)
  const { rows } = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' and table_name <> 'sweep_writes'`.execute(db)
  for (const { table_name: table } of rows.filter((r) => !unwatched.has(r.table_name)))
    await sql`create trigger sweep_count after insert or update or delete on ${sql.table(table)}
      for each row execute function sweep_count()`.execute(db)
}

async function snapshot(): Promise<Map<string, string>> {
  const { rows } = await sql<{ table_name: string; writes: string }>`
    select table_name, writes::text from sweep_writes`.execute(kestrel.services.db)
  return new Map(rows.map((r) => [r.table_name, r.writes]))
}

// ---------- the assertions ----------

describe('need to know, swept over every route', () => {
  it('documents in OpenAPI only routes that are registered, so the API is swept too', async () => {
    const admin = fixture.principals.find((p) => p.label === 'admin@A') as SweepPrincipal
    const response = await kestrel.app.inject({ url: '/api/docs/openapi.json', headers: admin.headers })
    expect(response.statusCode).toBe(200)
    const paths = (response.json() as { paths: Record<string, Record<string, unknown>> }).paths
    const documented = Object.entries(paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((m) => `${m.toUpperCase()} ${fromOpenApi(path)}`),
    )
    expect(documented.length).toBeGreaterThan(10)
    const registered = new Set(routes.map(routeKey))
    expect(documented.filter((op) => !registered.has(op))).toEqual([])
  })

  it('asks every registered route that needs scope, or says why not', () => {
    const expected = swept().map(routeKey).sort()
    expect([...exercised].sort()).toEqual(expected)
    // The exclusion list names only routes that exist.
    const registered = new Set(routes.map(routeKey))
    expect(Object.keys(notSwept).filter((key) => !registered.has(key))).toEqual([])
  })

  it('shows no one a record outside their area, fails no request, and refuses every write across areas', () => {
    if (violations.length)
      expect.fail(`${violations.length} need-to-know violations:\n${[...violations].sort().join('\n')}`)
  })
})
