import { z } from 'zod'
import type { Access } from '../access/access.ts'

/**
 * The OpenAPI 3.1 document, built from the same zod schemas that validate each request, so the
 * document cannot say one thing while the code checks another.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

export interface ApiOperation {
  method: HttpMethod
  /** As Fastify writes it: /api/v1/children/:id */
  url: string
  access: Access
  summary: string
  description?: string | undefined
  tags: string[]
  params?: z.ZodType | undefined
  query?: z.ZodType | undefined
  body?: z.ZodType | undefined
  response?: z.ZodType | undefined
  /** The status of a successful answer: 200 unless the operation creates something. */
  status: number
}

type JsonSchema = Record<string, unknown>

/** JSON Schema for what a client sends (before coercion and defaults) or receives. */
export function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema
  return rest
}

/** Fastify's /things/:id is OpenAPI's /things/{id}. */
export function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')
}

/** Who may call an operation, in words for people and as a list for machines. */
export function accessDescription(access: Access): { text: string; roles: string[] } {
  if (access.kind === 'public') return { text: 'Anyone, without signing in', roles: [] }
  if (access.kind === 'signed-in') return { text: 'Any signed-in user or API token', roles: [] }
  return { text: `Roles: ${access.roles.join(', ')}`, roles: [...access.roles] }
}

export interface ParameterDoc {
  name: string
  in: 'path' | 'query'
  required: boolean
  description?: string
  schema: JsonSchema
}

/** An object schema's properties as OpenAPI parameters, one per property. */
export function parametersOf(schema: z.ZodType | undefined, location: 'path' | 'query'): ParameterDoc[] {
  if (!schema) return []
  const object = jsonSchema(schema, 'input')
  const properties = (object.properties ?? {}) as Record<string, JsonSchema>
  const required = new Set((object.required ?? []) as string[])
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...propertySchema } = property
    return {
      name,
      in: location,
      required: location === 'path' || required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: propertySchema,
    }
  })
}

const problemSchema: JsonSchema = {
  type: 'object',
  description: 'RFC 9457 problem details',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    instance: { type: 'string' },
    requestId: { type: 'string' },
    errors: {
      type: 'array',
      description: 'For a 400: each field that was wrong (a dotted path) and why',
      items: {
        type: 'object',
        properties: { field: { type: 'string' }, reason: { type: 'string' } },
        required: ['field', 'reason'],
      },
    },
  },
  required: ['type', 'title', 'status'],
}

function problemResponse(description: string) {
  return {
    description,
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
  }
}

export function buildOpenApiDocument(
  operations: readonly ApiOperation[],
  info: { title: string; version: string; description?: string; serverUrl?: string },
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {}
  const sorted = [...operations].sort(
    (a, b) => a.url.localeCompare(b.url) || a.method.localeCompare(b.method),
  )
  for (const operation of sorted) {
    const path = openApiPath(operation.url)
    const access = accessDescription(operation.access)
    const parameters = [...parametersOf(operation.params, 'path'), ...parametersOf(operation.query, 'query')]
    const responses: Record<string, unknown> = {
      [String(operation.status)]: {
        description: 'Success',
        ...(operation.response
          ? { content: { 'application/json': { schema: jsonSchema(operation.response, 'output') } } }
          : {}),
      },
    }
    if (parameters.length || operation.body) {
      responses['400'] = problemResponse('The request was not valid: errors names each field and why')
    }
    if (operation.access.kind !== 'public') {
      responses['401'] = problemResponse('No valid session or API token')
      responses['403'] = problemResponse('The caller does not hold a role this operation allows')
    }
    paths[path] ??= {}
    paths[path][operation.method.toLowerCase()] = {
      operationId: `${operation.method.toLowerCase()}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c?: string) => (c ? c.toUpperCase() : ''))}`,
      summary: operation.summary,
      description: [operation.description, `Who may use it: ${access.text}.`].filter(Boolean).join('\n\n'),
      tags: operation.tags,
      ...(parameters.length ? { parameters } : {}),
      ...(operation.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchema(operation.body, 'input') } },
            },
          }
        : {}),
      responses,
      ...(operation.access.kind === 'public' ? { security: [] } : {}),
      'x-kestrel-access': { kind: operation.access.kind, roles: access.roles },
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: info.title,
      version: info.version,
      ...(info.description ? { description: info.description } : {}),
    },
    ...(info.serverUrl ? { servers: [{ url: info.serverUrl }] } : {}),
    security: [{ bearerToken: [] }, { session: [] }],
    paths,
    components: {
      securitySchemes: {
        bearerToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API token (kst_...) created by an administrator, holding the roles it was given',
        },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'kestrel_session',
          description: 'A signed-in session; unsafe methods also need the X-CSRF-Token header',
        },
      },
      schemas: { Problem: problemSchema },
    },
  }
}
