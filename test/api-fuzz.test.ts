import fc from 'fast-check'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  caseOf,
  type FuzzCase,
  type FuzzOperation,
  type FuzzRequest,
  type JsonSchema,
  type Known,
  type Parameter,
  requestOf,
} from './api-fuzz-arbitraries.ts'
import { type TestKestrel, testKestrel } from './app.ts'
import { propertySeed, seedNote } from './property.ts'
import { type SweepFixture, type SweepPrincipal, sweepFixture } from './sweep-fixture.ts'
import { recordWrites, type WriteWatch, watchWrites } from './write-watch.ts'

/**
 * Issue 15: every API operation in the OpenAPI document, sent requests generated from its own schemas and
 * mutated (wrong types, missing and unknown fields, huge strings, hostile text, long arrays, bad path
 * segments and query parameters, bodies that are not JSON, the wrong caller), by callers it permits in two
 * BCUs and by API token, over the need-to-know sweep's records. No answer may be a 5xx; a refused request
 * (4xx) may write nothing, and a read (GET) nothing but the access log. Through fastify's inject: no
 * network. Bounded: KESTREL_FUZZ_RUNS requests per operation (default 60); the seed is in the test’s
 * title and each failure, and KESTREL_PROPERTY_SEED=<seed> sends the same requests again.
 */

const seed = propertySeed()
const runs = Number(process.env.KESTREL_FUZZ_RUNS ?? 60)

/** Tables a read may write: the access log is the record of reads. */
const readLog = new Set(['access_log', 'access_log_head'])

/**
 * Refusals whose answer shows records, so the read is in the access log (and nothing else is written), and
 * why. Any other refusal writes nothing at all.
 */
const refusalsShowing: Record<string, string> = {
  'POST /api/v1/people 409':
    'a possible duplicate answers with the people it matched, and every read is logged',
}

let kestrel: TestKestrel
let fixture: SweepFixture
let watch: WriteWatch
let operations: Operation[] = []
let known: Known
const violations: string[] = []
const statuses = new Map<string, Map<number, number>>()

beforeAll(async () => {
  kestrel = await testKestrel({ env: { KESTREL_LOG_LEVEL: process.env.KESTREL_LOG_LEVEL ?? 'error' } })
  fixture = await sweepFixture(kestrel)
  known = await knownValues(kestrel, fixture)
  operations = await documentedOperations(kestrel, fixture)
  watch = await watchWrites(kestrel.services.db)
}, 300_000)
afterAll(() => kestrel?.close())

/** The operations as the OpenAPI document states them: what a client builds from. */
async function documentedOperations(kestrel: TestKestrel, fixture: SweepFixture): Promise<Operation[]> {
  const admin = fixture.principals.find((p) => p.role === 'admin' && p.kind === 'token') as SweepPrincipal
  const response = await kestrel.app.inject({
    method: 'GET',
    url: '/api/docs/openapi.json',
    headers: admin.headers,
  })
  expect(response.statusCode).toBe(200)
  const document = response.json() as {
    paths: Record<
      string,
      Record<
        string,
        {
          parameters?: Parameter[]
          requestBody?: { content: { 'application/json': { schema: JsonSchema } } }
          'x-kestrel-access': { kind: string; roles: string[] }
        }
      >
    >
  }
  const found: (FuzzOperation & { roles: string[] | 'all' })[] = []
  for (const [path, methods] of Object.entries(document.paths))
    for (const [method, operation] of Object.entries(methods)) {
      const access = operation['x-kestrel-access']
      found.push({
        method: method.toUpperCase(),
        path,
        parameters: operation.parameters ?? [],
        body: operation.requestBody?.content['application/json'].schema,
        roles: access.kind === 'roles' ? access.roles : 'all',
      })
    }
  return found
}

/** Path collections and the fixture's record kinds they take. */
const collections: Record<string, string> = {
  'pacs/{id}': 'pac',
  'detentions/{id}': 'custody-detention',
  'devices/{ref}': 'device',
  'investigations/{id}': 'investigation',
  'episodes/{id}': 'missing-episode',
  'trigger-plans/{id}': 'trigger-plan',
  'people/{ref}': 'person',
}

/**
 * The fixture's records and the organisation's names, ids and rules, by the fields and path parameters
 * that take them, so generated requests name things that exist as often as things that do not.
 */
async function knownValues(kestrel: TestKestrel, fixture: SweepFixture): Promise<Known> {
  const { db, standards } = kestrel.services
  const rows = async (query: ReturnType<typeof sql<{ value: string }>>) =>
    (await query.execute(db)).rows.map((row) => row.value)
  const ofKind = (kind: string, by: 'id' | 'ref') =>
    fixture.records.filter((r) => r.kind === kind).flatMap((r) => (r[by] ? [r[by] as string] : []))
  const teamsOf = (kind: string) => rows(sql`select name as value from team where kind = ${kind}`)
  const byName: Record<string, string[]> = {
    child: [...ofKind('person', 'ref'), ...ofKind('person', 'id')],
    person: ofKind('person', 'ref'),
    owner: ofKind('person', 'ref'),
    subjectRef: fixture.records.flatMap((r) => (r.ref ? [r.ref] : [])),
    pac: ofKind('pac', 'ref'),
    pacRef: ofKind('pac', 'ref'),
    aboutRef: fixture.records.flatMap((r) => (r.ref ? [r.ref] : [])),
    borough: await rows(sql`select name as value from borough`),
    boroughId: await rows(sql`select id::text as value from borough`),
    bcuId: await rows(sql`select id::text as value from bcu`),
    team: await rows(sql`select name as value from team`),
    teamId: await rows(sql`select id::text as value from team`),
    custodySuite: await teamsOf('custody_suite'),
    unit: await teamsOf('missing_persons_unit'),
    staffId: await rows(sql`select id::text as value from staff`),
    ownerStaffId: await rows(sql`select id::text as value from staff`),
    rule: standards.rules().map((rule) => rule.id),
    grade: ['absent', 'low', 'medium', 'high'],
    q: fixture.records.flatMap((r) => [...r.names, ...(r.ref ? [r.ref] : [])]),
  }
  for (const [collection, kind] of Object.entries(collections))
    byName[collection] = ofKind(kind, collection.endsWith('{ref}') ? 'ref' : 'id')
  return { any: [...new Set(Object.values(byName).flat())], byName }
}

type Operation = FuzzOperation & { roles: string[] | 'all' }

const permitted = (operation: Operation, principal: SweepPrincipal) =>
  operation.roles === 'all' || operation.roles.includes(principal.role)

const key = (operation: FuzzOperation) => `${operation.method} ${operation.path}`

async function send(operation: Operation, fuzz: FuzzCase) {
  const request = requestOf(operation, fuzz)
  const callers = fixture.principals.filter((p) => permitted(operation, p))
  let principal: SweepPrincipal | undefined = callers[fuzz.caller % callers.length]
  if (request.caller === 'not-permitted') principal = fixture.principals.find((p) => !permitted(operation, p))
  if (request.caller === 'none' || request.caller === 'unknown-token') principal = undefined
  const headers: Record<string, string> = { ...principal?.headers }
  if (request.caller === 'unknown-token') headers.authorization = `Bearer kst_${'0'.repeat(43)}`
  if (principal?.csrfToken && request.method !== 'GET' && request.caller !== 'no-csrf')
    headers['x-csrf-token'] = principal.csrfToken
  if (request.contentType) headers['content-type'] = request.contentType
  const who = principal?.label ?? request.caller
  let status: number
  let body: string
  try {
    const response = await kestrel.app.inject({
      method: request.method as 'GET',
      url: request.url,
      headers,
      ...(request.payload === undefined ? {} : { payload: request.payload }),
    })
    status = response.statusCode
    body = response.body
  } catch (error) {
    status = 0
    body = `no answer: ${(error as Error).message}`
  }
  const counts = statuses.get(key(operation)) ?? new Map<number, number>()
  counts.set(status, (counts.get(status) ?? 0) + 1)
  statuses.set(key(operation), counts)
  const writes = recordWrites(await watch.since())
  if (status === 0 || status >= 500) note(operation, `answered ${status || 'nothing'}`, request, who, body)
  else if (status >= 400 && writes.length) {
    const shows = `${key(operation)} ${status}` in refusalsShowing
    const refused = writes.filter(([write]) => !shows || !readLog.has(write.split(' ')[0] as string))
    if (refused.length) note(operation, `answered ${status} and wrote ${listed(refused)}`, request, who, body)
  } else if (
    request.method === 'GET' &&
    writes.some(([table]) => !readLog.has(table.split(' ')[0] as string))
  )
    note(operation, `a read wrote ${listed(writes)}`, request, who, body)
}

const listed = (writes: [string, number][]) => writes.map(([table, n]) => `${table} ×${n}`).join(', ')

/** Each kind of failure once per operation, with the request that showed it. */
const noted = new Set<string>()
function note(operation: FuzzOperation, what: string, request: FuzzRequest, who: string, body: string) {
  const heading = `${key(operation)} ${what.replace(/\d+(?= ×)|×\d+/g, '')}`
  if (noted.has(heading)) return
  noted.add(heading)
  const payload = request.payload === undefined ? '' : ` ${request.contentType}: ${clip(request.payload)}`
  violations.push(
    `${key(operation)} ${what}\n  sent ${request.method} ${clip(request.url)} as ${who}${payload}\n  answer ${clip(body)}`,
  )
}

const clip = (text: string) =>
  text.length > 400 ? `${text.slice(0, 400)}… (${text.length} characters)` : text

describe(`API fuzz ${seedNote(seed)}`, () => {
  it('answers every generated request without a 5xx, and a refused one writes nothing', async () => {
    const started = Date.now()
    for (const [index, operation] of operations.entries()) {
      const callers = fixture.principals.filter((p) => permitted(operation, p)).length
      await fc.assert(
        fc.asyncProperty(caseOf(operation, known, callers), (fuzz) => send(operation, fuzz)),
        { seed: (seed + index) % 2 ** 31, numRuns: runs },
      )
    }
    const summary = [...statuses].map(
      ([operation, counts]) =>
        `  ${operation}: ${[...counts]
          .sort(([a], [b]) => a - b)
          .map(([status, n]) => `${status}×${n}`)
          .join(' ')}`,
    )
    console.log(
      `API fuzz ${seedNote(seed)}: ${operations.length} operations × ${runs} requests in ` +
        `${Math.round((Date.now() - started) / 1000)} s; ${violations.length} failures\n${summary.join('\n')}`,
    )
    expect(violations, `seed ${seed}`).toEqual([])
  }, 600_000)
})
