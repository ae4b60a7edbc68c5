import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { type Access, permits, signedIn } from '../access/access.ts'
import type { Principal } from '../auth/principal.ts'
import type { Config } from '../config.ts'
import { type FieldError, HttpError, ValidationError } from './errors.ts'
import {
  type ApiOperation,
  accessDescription,
  buildOpenApiDocument,
  type HttpMethod,
  jsonSchema,
  openApiPath,
  parametersOf,
} from './openapi.ts'

/**
 * The JSON API's one way to declare an operation. apiRoute validates path, query and body with the
 * operation's zod schemas before the handler runs (a 400 naming each bad field otherwise), hands the
 * handler typed input, checks the answer against the response schema, and adds the operation to the
 * OpenAPI document, so no operation can skip validation or go undocumented.
 */

declare module 'fastify' {
  interface FastifyInstance {
    apiOperations: ApiOperation[]
  }
}

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined

export interface ApiInput<P, Q, B> {
  params: Parsed<P>
  query: Parsed<Q>
  body: Parsed<B>
  /** Always present: apiRoute refuses operations open to the public. */
  principal: Principal
  request: FastifyRequest
  reply: FastifyReply
}

export interface ApiRouteOptions<
  P extends z.ZodType | undefined,
  Q extends z.ZodType | undefined,
  B extends z.ZodType | undefined,
  R extends z.ZodType | undefined,
> {
  method: HttpMethod
  url: `/api/${string}`
  access: Access
  summary: string
  description?: string
  tags: string[]
  params?: P
  query?: Q
  body?: B
  response?: R
  /** 200 unless the operation creates something (201). */
  status?: number
  handler(input: ApiInput<P, Q, B>): Promise<R extends z.ZodType ? z.input<R> : unknown>
}

/** A zod error as the API's field errors: the dotted path to the field, and what is wrong with it. */
export function fieldErrors(error: z.ZodError, location: 'params' | 'query' | 'body'): FieldError[] {
  return error.issues.map((issue) => ({
    field: issue.path.length ? issue.path.map(String).join('.') : location,
    reason: issue.message,
  }))
}

function operationsOf(app: FastifyInstance): ApiOperation[] {
  if (!app.hasDecorator('apiOperations')) app.decorate('apiOperations', [])
  return app.apiOperations
}

export function apiRoute<
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  R extends z.ZodType | undefined = undefined,
>(app: FastifyInstance, options: ApiRouteOptions<P, Q, B, R>) {
  if (options.access.kind === 'public') {
    // Every API operation touches data about people; none is open to the world.
    throw new Error(`API operation ${options.method} ${options.url} must not be public`)
  }
  const status = options.status ?? 200
  operationsOf(app).push({
    method: options.method,
    url: options.url,
    access: options.access,
    summary: options.summary,
    description: options.description,
    tags: options.tags,
    params: options.params,
    query: options.query,
    body: options.body,
    response: options.response,
    status,
  })

  app.route({
    method: options.method,
    url: options.url,
    config: { access: options.access },
    handler: async (request, reply) => {
      const errors: FieldError[] = []
      const parse = (
        schema: z.ZodType | undefined,
        value: unknown,
        location: 'params' | 'query' | 'body',
      ) => {
        if (!schema) return undefined
        const result = schema.safeParse(value ?? (location === 'body' ? undefined : {}))
        if (result.success) return result.data
        errors.push(...fieldErrors(result.error, location))
        return undefined
      }
      const params = parse(options.params, request.params, 'params')
      const query = parse(options.query, request.query, 'query')
      const body = parse(options.body, request.body, 'body')
      if (errors.length) throw new ValidationError(errors)
      const principal = request.principal
      if (!principal) throw new HttpError(401, 'Sign in or send a valid API token')
      const result = await options.handler({
        params: params as Parsed<P>,
        query: query as Parsed<Q>,
        body: body as Parsed<B>,
        principal,
        request,
        reply,
      })
      if (reply.sent) return reply
      reply.code(status)
      // The response schema is a promise to clients: anything beyond it (or against it) never leaves.
      return options.response ? options.response.parse(result) : result
    },
  })
}

const principalResponse = z.object({
  kind: z.enum(['user', 'token']).describe('A person signed in, or a system client with an API token'),
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  roles: z.array(z.string()),
  staffId: z.string().nullable(),
  area: z.union([
    z.object({ forceWide: z.literal(true) }),
    z.object({ forceWide: z.literal(false), bcuId: z.string().nullable(), boroughId: z.string().nullable() }),
  ]),
})

/** The API's own operations and its documentation: the document as JSON, and as a page for people. */
export function apiRoutes(app: FastifyInstance, config: Config) {
  const operations = operationsOf(app)
  let document: Record<string, unknown> | undefined
  const openApi = () => {
    document ??= buildOpenApiDocument(operations, {
      title: 'Kestrel API',
      version: '1',
      description:
        'The JSON API for systems that work with Kestrel. Authenticate with an API token as a bearer token. ' +
        'Errors are RFC 9457 problem details; a 400 lists each invalid field and why.',
      serverUrl: config.baseUrl,
    })
    return document
  }

  apiRoute(app, {
    method: 'GET',
    url: '/api/v1/me',
    access: signedIn,
    summary: 'Who is calling: the signed-in user or API token and its roles',
    tags: ['Identity'],
    response: principalResponse,
    handler: async ({ principal }) => principal,
  })

  app.get('/api/docs/openapi.json', { config: { access: signedIn } }, async () => openApi())

  app.get('/api/docs', { config: { access: signedIn } }, async (request, reply) => {
    const principal = request.principal
    const listed = [...operations]
      .sort((a, b) => a.url.localeCompare(b.url) || a.method.localeCompare(b.method))
      .map((operation) => ({
        id: `${operation.method}-${openApiPath(operation.url)}`.replace(/[^A-Za-z0-9]+/g, '-').toLowerCase(),
        method: operation.method,
        path: openApiPath(operation.url),
        summary: operation.summary,
        description: operation.description,
        tags: operation.tags,
        access: accessDescription(operation.access).text,
        youMay: permits(operation.access, principal?.roles),
        parameters: [
          ...parametersOf(operation.params, 'path'),
          ...parametersOf(operation.query, 'query'),
        ].map((p) => ({ ...p, type: typeText(p.schema) })),
        body: operation.body ? JSON.stringify(jsonSchema(operation.body, 'input'), null, 2) : undefined,
        response: operation.response
          ? JSON.stringify(jsonSchema(operation.response, 'output'), null, 2)
          : undefined,
        status: operation.status,
      }))
    return reply.render('api/docs.njk', { pageTitle: 'Kestrel API', operations: listed })
  })
}

function typeText(schema: Record<string, unknown>): string {
  const type = schema.type
  const format = typeof schema.format === 'string' ? ` (${schema.format})` : ''
  if (Array.isArray(schema.enum)) return `one of ${schema.enum.join(', ')}`
  if (typeof type === 'string') return `${type}${format}`
  return 'any'
}
