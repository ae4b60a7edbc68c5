import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestKestrel, testKestrel } from '../../../test/app.ts'

describe('web shell', () => {
  let kestrel: TestKestrel
  beforeAll(async () => {
    kestrel = await testKestrel()
  })
  afterAll(() => kestrel.close())

  it('answers health and readiness without signing in', async () => {
    expect((await kestrel.app.inject('/health')).json()).toEqual({ status: 'UP' })
    expect((await kestrel.app.inject('/ready')).json()).toEqual({ status: 'UP', database: 'UP' })
  })

  it('sends an anonymous visitor to sign in', async () => {
    const response = await kestrel.app.inject('/')
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe('/login?returnTo=%2F')
  })

  it('sets a nonce-based content security policy', async () => {
    const response = await kestrel.app.inject('/health')
    expect(response.headers['content-security-policy']).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/)
    expect(response.headers['x-frame-options']).toBe('DENY')
  })

  it('answers an unknown page with the GOV.UK 404 page', async () => {
    const response = await kestrel.app.inject('/no-such-page')
    expect(response.statusCode).toBe(404)
    expect(response.body).toContain('Page not found')
  })

  it('answers an unknown API path with problem details', async () => {
    const response = await kestrel.app.inject('/api/v1/no-such-thing')
    expect(response.statusCode).toBe(404)
    expect(response.headers['content-type']).toContain('application/problem+json')
    expect(response.json()).toMatchObject({ status: 404, title: 'Not found' })
  })
})
