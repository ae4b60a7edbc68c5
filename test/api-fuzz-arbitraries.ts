import fc from 'fast-check'

/**
 * Requests for the API fuzz, generated from the OpenAPI document: for each operation, values its schemas
 * accept (filled from the records the test knows where a field names one, so requests reach the service and
 * not only the validator), then, for most requests, one mutation of them that a client could send by mistake
 * or in malice: a wrong type, a missing field, an unknown one, a huge string, hostile text, a very long
 * array, a bad path segment, a repeated query parameter, a body that is not JSON, or the wrong caller.
 */

export interface JsonSchema {
  type?: string | string[]
  format?: string
  pattern?: string
  enum?: unknown[]
  const?: unknown
  default?: unknown
  minimum?: number
  maximum?: number
  minLength?: number
  maxLength?: number
  minItems?: number
  maxItems?: number
  properties?: Record<string, JsonSchema>
  required?: string[]
  additionalProperties?: boolean | JsonSchema
  items?: JsonSchema
  anyOf?: JsonSchema[]
  oneOf?: JsonSchema[]
  allOf?: JsonSchema[]
}

export interface Parameter {
  name: string
  in: 'path' | 'query'
  required: boolean
  schema: JsonSchema
}

/** An operation as the OpenAPI document describes it. */
export interface FuzzOperation {
  method: string
  /** The OpenAPI path: /api/v1/pacs/{id} */
  path: string
  parameters: Parameter[]
  body: JsonSchema | undefined
}

/** Values from the test's own records, so a generated request can name something that exists. */
export interface Known {
  /** Every id, ref and name the test made, for a field that may name anything. */
  any: string[]
  /**
   * Values for a field of this name (`child`, `teamId`), or a path parameter after its collection
   * (`pacs/{id}`, `devices/{ref}`).
   */
  byName: Record<string, string[]>
}

/**
 * Text that has broken services before: SQL and LIKE metacharacters, path traversal, markup and template
 * syntax, characters PostgreSQL cannot store (NUL, half a surrogate pair), right-to-left and combining marks,
 * dates at and past the edges of the calendar, numbers as text.
 */
export const hostileStrings: readonly string[] = [
  "' OR '1'='1",
  "'; DROP TABLE person; --",
  '" OR ""="',
  '1) OR (1=1',
  "' UNION SELECT null, version() --",
  '%',
  '_',
  '\\',
  '\\x00',
  '$1',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '%2e%2e%2f%2e%2e%2f',
  '/',
  '<script>alert(1)</script>',
  '{{7*7}}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the text itself is the attack, not a template.
  '${jndi:ldap://127.0.0.1/x}',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '😀👨‍👩‍👧',
  '\u202eevil',
  'e\u0301\u0301\u0301',
  'ＡＢＣ',
  '\ufeff',
  '',
  ' ',
  '\t\r\n',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-1',
  '0',
  '1e309',
  '99999999999999999999999',
  '0000-00-00',
  '2023-02-30',
  '2023-02-29T10:00:00Z',
  '0001-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '+275760-09-13T00:00:00Z',
  '2023-01-01T24:00:00Z',
  '1970-01-01',
  'true',
]

/** Values of the wrong type for almost any field. */
export const wrongTypes: readonly unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  2 ** 53 + 2,
  1e308,
  -1e308,
  8.64e15,
  -8.64e15,
  '',
  'text',
  [],
  [null],
  ['a', 'b'],
  {},
  { '': null },
  JSON.parse('{"__proto__":{"admin":true}}'),
  { constructor: { prototype: { admin: true } } },
]

/**
 * Instants and days at and past the edges of what can be stored: year 0000 (ISO's 1 BC, which PostgreSQL
 * does not have), offsets that carry a date into year 0000 or 10000, six-digit and negative years, and the
 * largest millisecond counts a Date holds.
 */
export const edgeInstants: readonly unknown[] = [
  '0000-01-01T00:00:00Z',
  '0000-02-29T10:00:00Z',
  '0001-01-01T00:00:00Z',
  '0001-01-01T00:00:00+01:00',
  '9999-12-31T23:59:59Z',
  '9999-12-31T23:59:59-05:00',
  '+010000-01-01T00:00:00Z',
  '-000001-01-01T00:00:00Z',
  '+275760-09-13T00:00:00Z',
  '0000-01-01',
  '0001-01-01',
  '9999-12-31',
  8.64e15,
  -8.64e15,
  253402300800000,
]

/** A hostile value of any type: fixed ones above, arbitrary code points, JSON of any shape. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...hostileStrings) },
  { weight: 3, arbitrary: fc.constantFrom(...wrongTypes) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })) },
)

const firstDay = Date.UTC(2015, 0, 1)

/** An instant a person might enter: since 2015, mostly in the past. */
const plausibleInstant = fc
  .integer({ min: firstDay, max: Date.now() + 3_600_000 })
  .map((ms) => new Date(ms).toISOString())

function regexOf(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, 'u')
  } catch {
    return undefined
  }
}

/** Text for a string schema: what its pattern accepts, or any text within its length. */
function plainString(schema: JsonSchema): fc.Arbitrary<string> {
  const regex = schema.pattern ? regexOf(schema.pattern) : undefined
  if (regex) return fc.stringMatching(regex, { size: 'small' })
  const minLength = schema.minLength ?? 0
  const maxLength = Math.min(schema.maxLength ?? 60, minLength + 60)
  return fc.string({ minLength, maxLength, unit: 'grapheme' })
}

/** Left out of an object (a field fast-check generated but the request does not send). */
const absent = Symbol('absent')

/** Names of fields that hold an instant or a day although the document cannot say so (a zod preprocess). */
const instantName = /(^at$|At$|^from$|^to$|^modified$)/
const dayName = /(Date$|On$)/
/** Hashes a triage report carries, by field name, as lower-case hex of this many digits. */
const hexDigits: Record<string, number> = { md5: 32, sha1: 40, pdq: 64 }

/**
 * Values a schema accepts, mostly; where a string could name a record, often one of the test's own. The
 * field's name is a hint for an unconstrained schema.
 */
export function fitting(schema: JsonSchema, known: Known, name = ''): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const)
  if (schema.enum?.length) return fc.constantFrom(...schema.enum)
  const options = schema.anyOf ?? schema.oneOf
  if (options?.length) return fc.oneof(...options.map((option) => fitting(option, known, name)))
  if (schema.allOf?.length) return fitting(schema.allOf[0] as JsonSchema, known, name)
  const types = [schema.type ?? []].flat()
  if (types.length > 1) return fc.oneof(...types.map((type) => fitting({ ...schema, type }, known, name)))
  switch (types[0]) {
    case 'null':
      return fc.constant(null)
    case 'boolean':
      return fc.boolean()
    case 'integer': {
      const min = Math.max(schema.minimum ?? -1000, Number.MIN_SAFE_INTEGER)
      const max = Math.min(schema.maximum ?? 1000, Number.MAX_SAFE_INTEGER)
      return fc.oneof(
        { weight: 3, arbitrary: fc.integer({ min, max: Math.min(max, min + 10) }) },
        { weight: 1, arbitrary: fc.integer({ min, max }) },
      )
    }
    case 'number':
      return fc.double({
        min: schema.minimum ?? -1e6,
        max: schema.maximum ?? 1e6,
        noNaN: true,
        noDefaultInfinity: true,
      })
    case 'array': {
      const minLength = schema.minItems ?? 0
      const maxLength = Math.min(schema.maxItems ?? minLength + 3, minLength + 3)
      return fc.array(fitting(schema.items ?? {}, known, name), { minLength, maxLength })
    }
    case 'object': {
      const properties = schema.properties ?? {}
      const names = Object.keys(properties)
      if (!names.length)
        return fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 })
      const required = new Set(schema.required ?? [])
      // An optional field is left out three times in four, so most requests are not refused for the
      // one optional field that did not fit the rest.
      const model = Object.fromEntries(
        names.map((key) => {
          const value = fitting(properties[key] as JsonSchema, known, key)
          return [
            key,
            required.has(key)
              ? value
              : fc.oneof({ weight: 3, arbitrary: fc.constant(absent) }, { weight: 1, arbitrary: value }),
          ]
        }),
      )
      return fc
        .record(model)
        .map((object) => Object.fromEntries(Object.entries(object).filter(([, value]) => value !== absent)))
    }
    case 'string':
      return stringOf(schema, known, name)
    default:
      // No type the document can state (a zod date, a preprocessed value): judged by its name.
      if (instantName.test(name)) return plausibleInstant
      if (dayName.test(name)) return plausibleInstant.map((instant) => instant.slice(0, 10))
      return fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.boolean(), plausibleInstant)
  }
}

function stringOf(schema: JsonSchema, known: Known, name: string): fc.Arbitrary<string> {
  if (schema.format === 'uuid') {
    const ids = known.byName[name] ?? known.any.filter((value) => isUuid.test(value))
    return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...ids) }, { weight: 1, arbitrary: fc.uuid() })
  }
  if (schema.format === 'date-time')
    return fc.oneof({ weight: 4, arbitrary: plausibleInstant }, { weight: 1, arbitrary: plainString(schema) })
  if (schema.format === 'date')
    return fc.oneof(
      { weight: 4, arbitrary: plausibleInstant.map((instant) => instant.slice(0, 10)) },
      { weight: 1, arbitrary: plainString(schema) },
    )
  // Text the document types only as a string but the service reads as a day, an instant or a hash.
  if (!schema.pattern && !schema.enum && !schema.format) {
    if (instantName.test(name)) return plausibleInstant
    if (dayName.test(name)) return plausibleInstant.map((instant) => instant.slice(0, 10))
    const digits = hexDigits[name]
    if (digits) return fc.stringMatching(new RegExp(`^[0-9a-f]{${digits}}$`))
  }
  const fits = (value: string) =>
    value.length >= (schema.minLength ?? 0) && value.length <= (schema.maxLength ?? Number.POSITIVE_INFINITY)
  // A field naming a record (a child, a team, a borough) mostly names one the test made, of its kind.
  const own = (known.byName[name] ?? []).filter(fits)
  const any = known.any.filter(fits)
  const options: fc.WeightedArbitrary<string>[] = [
    { weight: own.length ? 1 : 3, arbitrary: plainString(schema) },
  ]
  if (own.length) options.push({ weight: 6, arbitrary: fc.constantFrom(...own) })
  if (any.length) options.push({ weight: 1, arbitrary: fc.constantFrom(...any) })
  return fc.oneof(...options)
}

/** A value for a path parameter: a record of the collection's kind, or any record, or text its schema accepts. */
function pathValue(operation: FuzzOperation, parameter: Parameter, known: Known): fc.Arbitrary<string> {
  const segments = operation.path.split('/')
  const collection = segments[segments.indexOf(`{${parameter.name}}`) - 1]
  const own = known.byName[`${collection}/{${parameter.name}}`] ?? []
  const options: fc.WeightedArbitrary<string>[] = [
    { weight: 1, arbitrary: fc.constantFrom(...known.any) },
    { weight: 1, arbitrary: stringOf(parameter.schema, known, parameter.name) },
  ]
  if (own.length) options.push({ weight: 6, arbitrary: fc.constantFrom(...own) })
  return fc.oneof(...options)
}

const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const instantText = /^\d{4}-\d\d-\d\dT/
const dayText = /^\d{4}-\d\d-\d\d$/

/**
 * The same body with its instants, and its days, in ascending order as the document lists them, or, given
 * a shuffle, in one order chosen by it. Most schemas list events in the order they happen (arrested, then
 * authorised, then reviewed), and a body of few times in a chosen order is often in theirs, so fewer
 * requests are refused for a time before another and more reach the service's own checks.
 */
export function chronological(body: unknown, shuffle?: number): unknown {
  const copy = structuredClone(body)
  for (const pattern of [instantText, dayText]) {
    const slots = slotsOf(copy).filter((slot) => {
      const value = valueAt(slot)
      return typeof value === 'string' && pattern.test(value)
    })
    const values = slots.map((slot) => valueAt(slot) as string).sort()
    const order = slots.map((_slot, index) => index)
    let state = shuffle ?? 0
    if (shuffle !== undefined)
      for (let i = order.length - 1; i > 0; i--) {
        state = (state * 1103515245 + 12345) % 2 ** 31
        const j = state % (i + 1)
        ;[order[i], order[j]] = [order[j] as number, order[i] as number]
      }
    slots.forEach((slot, index) => {
      setSlot(slot, values[order[index] as number])
    })
  }
  return copy
}

/** What a mutation does to a request that fits the document. */
export type Mutation =
  | { kind: 'none' }
  /** Replace the nth value in the body (any depth) with a hostile one. */
  | { kind: 'replace'; at: number; value: unknown }
  /** Remove the nth value in the body, required or not. */
  | { kind: 'drop'; at: number }
  /** Add a property the schema does not have. */
  | { kind: 'extra'; name: string; value: unknown }
  /** Replace the whole body. */
  | { kind: 'body'; value: unknown }
  /** Send a payload that is not the JSON the operation takes. */
  | { kind: 'payload'; payload: string; contentType: string }
  /** A string of the given length in place of the nth value. */
  | { kind: 'huge'; at: number; length: number }
  /** A long array of copies of the nth value, in its place. */
  | { kind: 'long-array'; at: number; length: number }
  /** An instant or day at the edge of what can be stored, in place of the nth date in the body or query. */
  | { kind: 'edge-date'; at: number; value: unknown }
  /** A hostile value for a query parameter (one of the operation's, or one it does not take). */
  | { kind: 'query'; name: string | undefined; value: string; repeat: boolean }
  /** A hostile path segment, percent-encoded or raw. */
  | { kind: 'path'; value: string; raw: boolean }
  /** The wrong caller: none, a token that does not exist, one without the role, a session without its CSRF token. */
  | { kind: 'caller'; who: 'none' | 'unknown-token' | 'not-permitted' | 'no-csrf' }

/** Raw path segments: traversal, bad percent-encoding, an encoded NUL, the empty segment. */
const rawSegments = [
  '..',
  '.',
  '%2e%2e',
  '..%2f..%2fetc',
  '%00',
  '%',
  '%ZZ',
  '%C0%AE',
  '%ff',
  '',
  'a%2Fb',
  '*',
]

/** Payloads that are not the JSON an operation takes. */
const payloads: readonly { payload: string; contentType: string }[] = [
  { payload: '{', contentType: 'application/json' },
  { payload: '{"a":1,}', contentType: 'application/json' },
  { payload: '', contentType: 'application/json' },
  { payload: 'null', contentType: 'application/json' },
  { payload: '{"__proto__":{"x":1}}', contentType: 'application/json' },
  { payload: '{"constructor":{"prototype":{"x":1}}}', contentType: 'application/json' },
  { payload: `${'['.repeat(5000)}${']'.repeat(5000)}`, contentType: 'application/json' },
  { payload: `{"a":${'{"a":'.repeat(2000)}1${'}'.repeat(2001)}`, contentType: 'application/json' },
  { payload: 'a=1&b=2', contentType: 'application/x-www-form-urlencoded' },
  { payload: 'plain words', contentType: 'text/plain' },
  { payload: '<xml/>', contentType: 'application/xml' },
  { payload: '{"a":1}', contentType: 'application/json; charset=latin1' },
  { payload: '{"a":1}', contentType: 'multipart/form-data; boundary=x' },
]

function mutationOf(operation: FuzzOperation): fc.Arbitrary<Mutation> {
  const query = operation.parameters.filter((p) => p.in === 'query').map((p) => p.name)
  const hasPath = operation.parameters.some((p) => p.in === 'path')
  const kinds: fc.WeightedArbitrary<Mutation>[] = [
    { weight: 6, arbitrary: fc.constant({ kind: 'none' }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('caller' as const),
        who: fc.constantFrom(
          'none' as const,
          'unknown-token' as const,
          'not-permitted' as const,
          'no-csrf' as const,
        ),
      }),
    },
  ]
  if (operation.body)
    kinds.push(
      {
        weight: 5,
        arbitrary: fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: hostileValue }),
      },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }) },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant('extra' as const),
          name: fc.oneof(
            fc.constantFrom('id', 'version', '__proto__', 'createdBy', 'boroughId'),
            fc.string(),
          ),
          value: hostileValue,
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant('body' as const),
          value: fc.oneof(hostileValue, fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 })),
        }),
      },
      { weight: 1, arbitrary: fc.constantFrom(...payloads).map((p) => ({ kind: 'payload' as const, ...p })) },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant('huge' as const),
          at: fc.nat(),
          length: fc.constantFrom(5_001, 100_000, 2_000_000),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant('long-array' as const),
          at: fc.nat(),
          length: fc.constantFrom(101, 1_000, 20_000),
        }),
      },
    )
  if (operation.body || query.length)
    kinds.push({
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('edge-date' as const),
        at: fc.nat(),
        value: fc.constantFrom(...edgeInstants),
      }),
    })
  if (query.length || operation.method === 'GET')
    kinds.push({
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant('query' as const),
        name: fc.oneof(
          { weight: 4, arbitrary: query.length ? fc.constantFrom(...query) : fc.constant(undefined) },
          { weight: 1, arbitrary: fc.constant(undefined) },
        ),
        value: fc.oneof(
          fc.constantFrom(...hostileStrings),
          fc.string({ unit: 'binary', maxLength: 20 }),
          fc.constantFrom('x'.repeat(10_000), '1'.repeat(400)),
        ),
        repeat: fc.boolean(),
      }),
    })
  if (hasPath)
    kinds.push({
      weight: 3,
      arbitrary: fc.oneof(
        fc.record({
          kind: fc.constant('path' as const),
          value: fc.constantFrom(...hostileStrings),
          raw: fc.constant(false),
        }),
        fc.record({
          kind: fc.constant('path' as const),
          value: fc.constantFrom(...rawSegments),
          raw: fc.constant(true),
        }),
        fc.record({
          kind: fc.constant('path' as const),
          value: fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }),
          raw: fc.constant(false),
        }),
      ),
    })
  return fc.oneof(...kinds)
}

/** A request before it is sent: values that fit the document, and what to do to them. */
export interface FuzzCase {
  /** Index into the operation's permitted callers. */
  caller: number
  path: Record<string, string>
  query: Record<string, unknown>
  body: unknown
  mutation: Mutation
}

export function caseOf(operation: FuzzOperation, known: Known, callers: number): fc.Arbitrary<FuzzCase> {
  const path = operation.parameters.filter((p) => p.in === 'path')
  const query = operation.parameters.filter((p) => p.in === 'query')
  return fc.record({
    caller: fc.nat({ max: Math.max(callers - 1, 0) }),
    path: fc.record(Object.fromEntries(path.map((p) => [p.name, pathValue(operation, p, known)]))),
    query: fc.record(Object.fromEntries(query.map((p) => [p.name, fitting(p.schema, known, p.name)])), {
      requiredKeys: query.filter((p) => p.required).map((p) => p.name),
    }),
    body: operation.body
      ? fc
          .tuple(fitting(operation.body, known), fc.nat({ max: 3 }), fc.nat())
          .map(([body, order, shuffle]) =>
            order === 0 ? body : chronological(body, order === 1 ? undefined : shuffle),
          )
      : fc.constant(undefined),
    mutation: mutationOf(operation),
  })
}

// ---------- applying a mutation ----------

type Slot = { parent: Record<string, unknown> | unknown[]; key: string | number }

/** Every place in a JSON value that holds a value, depth first. */
function slotsOf(value: unknown): Slot[] {
  const slots: Slot[] = []
  const visit = (node: unknown) => {
    if (Array.isArray(node))
      node.forEach((child, index) => {
        slots.push({ parent: node, key: index })
        visit(child)
      })
    else if (node && typeof node === 'object')
      for (const [key, child] of Object.entries(node)) {
        slots.push({ parent: node as Record<string, unknown>, key })
        visit(child)
      }
  }
  visit(value)
  return slots
}

function slotAt(body: unknown, at: number): Slot | undefined {
  const slots = slotsOf(body)
  return slots.length ? slots[at % slots.length] : undefined
}

const valueAt = (slot: Slot) => (slot.parent as Record<string | number, unknown>)[slot.key]
const isDateText = (value: unknown) => typeof value === 'string' && /^\d{4}-\d\d-\d\d/.test(value)

function setSlot(slot: Slot, value: unknown) {
  ;(slot.parent as Record<string | number, unknown>)[slot.key] = value
}

/** The request as it is sent. */
export interface FuzzRequest {
  method: string
  url: string
  /** The JSON body, or a raw payload with its content type. */
  payload: string | undefined
  contentType: string | undefined
  caller: 'permitted' | 'none' | 'unknown-token' | 'not-permitted' | 'no-csrf'
}

/**
 * Percent-encoding that, for half a surrogate pair (which has no UTF-8), sends the three bytes a careless
 * client would (WTF-8), so the service sees invalid UTF-8 in its path or query rather than the test failing.
 */
export function percentEncode(text: string): string {
  let out = ''
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    const next = text.charCodeAt(i + 1)
    if (unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      out += encodeURIComponent(text.slice(i, i + 2))
      i++
    } else if (unit >= 0xd800 && unit <= 0xdfff)
      out += [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)]
        .map((byte) => `%${byte.toString(16).toUpperCase()}`)
        .join('')
    else out += encodeURIComponent(text[i] as string)
  }
  return out
}

const encodeQuery = (value: unknown): string =>
  typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value)

export function requestOf(operation: FuzzOperation, fuzz: FuzzCase): FuzzRequest {
  const mutation = fuzz.mutation
  // The generated values are copied, so a mutation never changes what fast-check holds for a replay.
  let body = fuzz.body === undefined ? undefined : structuredClone(fuzz.body)
  let payload: string | undefined
  let contentType: string | undefined = operation.body ? 'application/json' : undefined
  const query: [string, string][] = Object.entries(fuzz.query).map(([name, value]) => [
    name,
    encodeQuery(value),
  ])
  let pathValues = Object.fromEntries(
    Object.entries(fuzz.path).map(([name, value]) => [name, percentEncode(value)]),
  )
  switch (mutation.kind) {
    case 'replace': {
      const slot = slotAt(body, mutation.at)
      if (slot) setSlot(slot, structuredClone(mutation.value))
      else body = mutation.value
      break
    }
    case 'drop': {
      const slot = slotAt(body, mutation.at)
      if (slot && Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 1)
      else if (slot) delete (slot.parent as Record<string, unknown>)[slot.key]
      break
    }
    case 'extra':
      if (body && typeof body === 'object' && !Array.isArray(body))
        Object.defineProperty(body, mutation.name, {
          value: mutation.value,
          enumerable: true,
          writable: true,
        })
      break
    case 'body':
      body = mutation.value
      break
    case 'payload':
      payload = mutation.payload
      contentType = mutation.contentType
      break
    case 'huge': {
      const slot = slotAt(body, mutation.at)
      const text = 'Ā'.repeat(mutation.length)
      if (slot) setSlot(slot, text)
      else body = text
      break
    }
    case 'edge-date': {
      const dates = slotsOf(body).filter((slot) => isDateText(valueAt(slot)))
      const inQuery = query.filter(([, value]) => isDateText(value))
      const at = mutation.at % Math.max(dates.length + inQuery.length, 1)
      const slot = dates[at]
      if (slot) setSlot(slot, mutation.value)
      else {
        const entry = inQuery[at - dates.length]
        if (entry) entry[1] = encodeQuery(mutation.value)
      }
      break
    }
    case 'long-array': {
      const slot = slotAt(body, mutation.at)
      if (slot) {
        const item = (slot.parent as Record<string | number, unknown>)[slot.key]
        setSlot(
          slot,
          Array.from({ length: mutation.length }, () => item),
        )
      }
      break
    }
    case 'query': {
      const name = mutation.name ?? 'unexpected'
      const kept = query.filter(([key]) => key !== name)
      kept.push([name, mutation.value])
      if (mutation.repeat) kept.push([name, 'again'])
      query.splice(0, query.length, ...kept)
      break
    }
    case 'path': {
      const names = Object.keys(pathValues)
      const name = names[0]
      if (name)
        pathValues = {
          ...pathValues,
          [name]: mutation.raw ? mutation.value : percentEncode(mutation.value),
        }
      break
    }
    default:
      break
  }
  if (payload === undefined && operation.body && body !== undefined) payload = JSON.stringify(body)
  if (payload === undefined && operation.body && mutation.kind === 'drop' && body === undefined) payload = ''
  const path = operation.path.replace(
    /\{([A-Za-z0-9_]+)\}/g,
    (_match, name: string) => pathValues[name] ?? '',
  )
  const search = query.length
    ? `?${query.map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`).join('&')}`
    : ''
  return {
    method: operation.method,
    url: `${path}${search}`,
    payload,
    contentType,
    caller: mutation.kind === 'caller' ? mutation.who : 'permitted',
  }
}
