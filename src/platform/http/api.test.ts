import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { testConfig } from '../../../test/app.ts'
import { allow } from '../access/access.ts'
import type { Principal } from '../auth/principal.ts'
import { apiRoute, apiRoutes } from './api.ts'
import { createShell } from './app.ts'
import { ConflictError } from './errors.ts'

const caller: Principal = {
  kind: 'token',
  id: 'token-1',
  username: 'token:merlin',
  displayName: 'merlin',
  roles: ['mash'],
  staffId: null,
  area: { forceWide: true },
}
const auth = { authorization: 'Bearer good' }

describe('API shell', () => {
  let app: FastifyInstance
  beforeAll(async () => {
    const shell = await createShell({
      config: testConfig(),
      navigation: [],
      principalForSession: async () => undefined,
      principalForApiToken: async (token) => (token === 'good' ? caller : undefined),
    })
    app = shell.app
    apiRoutes(app, testConfig())
    apiRoute(app, {
      method: 'POST',
      url: '/api/v1/referrals/:referralId/decisions',
      access: allow('mash'),
      summary: 'Record a MASH decision on a referral',
      tags: ['Referrals'],
      status: 201,
      params: z.object({ referralId: z.uuid() }),
      query: z.object({ dryRun: z.enum(['true', 'false']).default('false') }),
      body: z.object({
        rating: z.enum(['blue', 'red', 'amber', 'green']).describe('BRAG rating'),
        decidedOn: z.iso.date(),
        child: z.object({ name: z.string().min(1), age: z.number().int().min(0).max(17) }),
        version: z.number().int().positive(),
      }),
      response: z.object({ id: z.string(), rating: z.string(), dryRun: z.boolean() }),
      handler: async ({ params, query, body }) => {
        if (body.version !== 1) throw new ConflictError()
        // Extra fields are dropped by the response schema, never sent.
        return { id: params.referralId, rating: body.rating, dryRun: query.dryRun === 'true', secret: 'x' }
      },
    })
    apiRoute(app, {
      method: 'GET',
      url: '/api/v1/supervisor-only',
      access: allow('supervisor'),
      summary: 'Something only supervisors may call',
      tags: ['Test'],
      handler: async () => ({ ok: true }),
    })
    await app.ready()
  })
  afterAll(() => app.close())

  const url = '/api/v1/referrals/6f1c7a52-3f0e-4d7e-9d55-5b3c8a1e2f10/decisions'
  const good = { rating: 'red', decidedOn: '2018-08-01', child: { name: 'A', age: 12 }, version: 1 }

  it('hands the handler parsed input and sends only what the response schema allows', async () => {
    const response = await app.inject({
      method: 'POST',
      url: `${url}?dryRun=true`,
      headers: auth,
      payload: good,
    })
    expect(response.statusCode).toBe(201)
    expect(response.json()).toEqual({
      id: '6f1c7a52-3f0e-4d7e-9d55-5b3c8a1e2f10',
      rating: 'red',
      dryRun: true,
    })
  })

  it('answers bad input with a 400 problem naming each field by its dotted path', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/referrals/not-a-uuid/decisions?dryRun=maybe',
      headers: auth,
      payload: { rating: 'purple', decidedOn: '2018-02-30', child: { name: 'A', age: 19 }, version: 1 },
    })
    expect(response.statusCode).toBe(400)
    expect(response.headers['content-type']).toContain('application/problem+json')
    const problem = response.json()
    expect(problem).toMatchObject({
      status: 400,
      instance: '/api/v1/referrals/not-a-uuid/decisions?dryRun=maybe',
    })
    expect(problem.errors.map((e: { field: string }) => e.field)).toEqual([
      'referralId',
      'dryRun',
      'rating',
      'decidedOn',
      'child.age',
    ])
    for (const error of problem.errors) expect(error.reason).toEqual(expect.any(String))
  })

  it('names the body when there is none', async () => {
    const response = await app.inject({ method: 'POST', url, headers: auth })
    expect(response.statusCode).toBe(400)
    expect(response.json().errors).toEqual([{ field: 'body', reason: expect.any(String) }])
  })

  it('passes the handler’s own errors through as problems', async () => {
    const response = await app.inject({
      method: 'POST',
      url,
      headers: auth,
      payload: { ...good, version: 3 },
    })
    expect(response.statusCode).toBe(409)
    expect(response.json()).toMatchObject({ status: 409 })
  })

  it('refuses callers without a token (401) or without a role the operation allows (403)', async () => {
    expect((await app.inject({ method: 'POST', url, payload: good })).statusCode).toBe(401)
    expect((await app.inject({ url: '/api/v1/supervisor-only', headers: auth })).statusCode).toBe(403)
  })

  it('refuses to declare a public API operation', () => {
    expect(() =>
      apiRoute(app, {
        method: 'GET',
        url: '/api/v1/open',
        access: { kind: 'public' },
        summary: 'x',
        tags: [],
        handler: async () => ({}),
      }),
    ).toThrow(/must not be public/)
  })

  it('documents every operation in OpenAPI 3.1 from the same schemas', async () => {
    const document = (await app.inject({ url: '/api/docs/openapi.json', headers: auth })).json()
    expect(document.openapi).toBe('3.1.0')
    const operation = document.paths['/api/v1/referrals/{referralId}/decisions'].post
    expect(operation['x-kestrel-access']).toEqual({ kind: 'roles', roles: ['mash'] })
    expect(operation.parameters).toEqual([
      expect.objectContaining({ name: 'referralId', in: 'path', required: true }),
      expect.objectContaining({ name: 'dryRun', in: 'query', required: false }),
    ])
    const body = operation.requestBody.content['application/json'].schema
    expect(body.properties.rating).toMatchObject({
      enum: ['blue', 'red', 'amber', 'green'],
      description: 'BRAG rating',
    })
    expect(body.required).toEqual(['rating', 'decidedOn', 'child', 'version'])
    expect(Object.keys(operation.responses)).toEqual(['201', '400', '401', '403'])
    expect(document.paths['/api/v1/me'].get.summary).toMatch(/Who is calling/)
  })
})
