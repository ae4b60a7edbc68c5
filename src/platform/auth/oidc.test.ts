import { createHash, randomBytes } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestKestrel, testKestrel } from '../../../test/app.ts'
import { isLocalIssuer, rolesFromClaim } from './oidc.ts'

interface TestIdentity {
  sub: string
  preferred_username?: string
  roles?: unknown
}

/**
 * A small OpenID Connect provider for the tests: discovery, an authorize endpoint that signs in whoever
 * the test says and redirects straight back, a token endpoint that checks the client secret and PKCE and
 * returns an RS256 ID token, and the JWKS to check it with.
 */
async function startProvider(clientId: string, clientSecret: string) {
  const { publicKey, privateKey } = await generateKeyPair('RS256')
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' }
  const codes = new Map<
    string,
    { identity: TestIdentity; nonce: string; challenge: string; redirectUri: string }
  >()
  const state = { identity: { sub: 'subject-1' } as TestIdentity, tokenRequests: 0 }
  let issuer = ''

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', issuer)
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    if (url.pathname === '/.well-known/openid-configuration') {
      return json(200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['client_secret_basic'],
      })
    }
    if (url.pathname === '/jwks') return json(200, { keys: [jwk] })
    if (url.pathname === '/authorize') {
      const p = url.searchParams
      if (p.get('client_id') !== clientId || p.get('code_challenge_method') !== 'S256') {
        return json(400, { error: 'invalid_request' })
      }
      const code = randomBytes(16).toString('hex')
      codes.set(code, {
        identity: state.identity,
        nonce: p.get('nonce') ?? '',
        challenge: p.get('code_challenge') ?? '',
        redirectUri: p.get('redirect_uri') ?? '',
      })
      const back = new URL(p.get('redirect_uri') ?? '')
      back.searchParams.set('code', code)
      back.searchParams.set('state', p.get('state') ?? '')
      res.writeHead(302, { location: back.href })
      return res.end()
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      state.tokenRequests++
      let raw = ''
      for await (const chunk of req) raw += chunk
      const form = new URLSearchParams(raw)
      const basic = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString()
      const [id, secret] = basic.split(':').map((v) => decodeURIComponent(v))
      if (id !== clientId || secret !== clientSecret) return json(401, { error: 'invalid_client' })
      const grant = codes.get(form.get('code') ?? '')
      codes.delete(form.get('code') ?? '')
      const verifier = form.get('code_verifier') ?? ''
      if (
        !grant ||
        form.get('redirect_uri') !== grant.redirectUri ||
        createHash('sha256').update(verifier).digest('base64url') !== grant.challenge
      ) {
        return json(400, { error: 'invalid_grant' })
      }
      const idToken = await new SignJWT({ ...grant.identity, nonce: grant.nonce })
        .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
        .setIssuer(issuer)
        .setAudience(clientId)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey)
      return json(200, { access_token: 'at', token_type: 'Bearer', expires_in: 300, id_token: idToken })
    }
    json(404, { error: 'not_found' })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return { issuer, state, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

function cookieFrom(setCookie: string | string[] | undefined, name: string): string | undefined {
  const all = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []
  return all.find((c) => c.startsWith(`${name}=`))?.split(';')[0]
}

describe('sign-in with OpenID Connect', () => {
  let provider: Awaited<ReturnType<typeof startProvider>>
  let kestrel: TestKestrel

  beforeAll(async () => {
    provider = await startProvider('kestrel', 'test-client-secret')
    kestrel = await testKestrel({
      env: {
        OIDC_ISSUER: provider.issuer,
        OIDC_CLIENT_ID: 'kestrel',
        OIDC_CLIENT_SECRET: 'test-client-secret',
        OIDC_ROLES_CLAIM: 'kestrel_roles',
      },
    })
    await kestrel.services.accounts.create(
      { username: 'ann.officer', displayName: 'Ann Officer', roles: ['officer'] },
      'test',
    )
    const off = await kestrel.services.accounts.create(
      { username: 'gone.away', displayName: 'Gone Away', roles: ['officer'] },
      'test',
    )
    await kestrel.services.accounts.update(off.account.id, undefined, { active: false }, 'test')
  })
  afterAll(async () => {
    await kestrel.close()
    await provider.close()
  })

  /** Follows the whole flow as a browser would: Kestrel, the provider, and back to Kestrel. */
  async function signInThroughProvider(
    identity: TestIdentity,
    options: { tamperState?: boolean; returnTo?: string } = {},
  ) {
    provider.state.identity = identity
    const start = await kestrel.app.inject(
      `/login/oidc${options.returnTo ? `?returnTo=${encodeURIComponent(options.returnTo)}` : ''}`,
    )
    expect(start.statusCode).toBe(302)
    const pending = cookieFrom(start.headers['set-cookie'], 'kestrel_oidc') ?? ''
    expect(pending).not.toBe('')
    const authorize = new URL(String(start.headers.location))
    expect(authorize.origin).toBe(provider.issuer)
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256')
    expect(authorize.searchParams.get('nonce')).toBeTruthy()
    const atProvider = await fetch(authorize, { redirect: 'manual' })
    expect(atProvider.status).toBe(302)
    const back = new URL(atProvider.headers.get('location') ?? '')
    expect(back.pathname).toBe('/login/oidc/callback')
    if (options.tamperState) back.searchParams.set('state', 'not-the-state-we-sent')
    return kestrel.app.inject({ url: `${back.pathname}${back.search}`, headers: { cookie: pending } })
  }

  it('offers force sign-in on the sign-in page', async () => {
    const page = await kestrel.app.inject('/login')
    expect(page.body).toContain('Sign in with your force account')
  })

  it('links the subject on first sign-in by username, takes known roles from the claim, and opens /', async () => {
    const done = await signInThroughProvider(
      {
        sub: 'idp-ann',
        preferred_username: 'ann.officer',
        roles: ['ignored'],
        kestrel_roles: ['supervisor', 'officer', 'wizard'],
      } as TestIdentity,
      { returnTo: '/admin/users' },
    )
    expect(done.statusCode).toBe(303)
    expect(done.headers.location).toBe('/admin/users')
    const session = cookieFrom(done.headers['set-cookie'], 'kestrel_session') ?? ''
    const home = await kestrel.app.inject({ url: '/', headers: { cookie: session } })
    expect(home.statusCode).toBe(200)
    expect(home.body).toContain('Welcome, Ann Officer')
    const account = await kestrel.services.accounts.findByUsername('ann.officer')
    expect(account?.oidcSubject).toBe('idp-ann')
    expect(account?.roles).toEqual(['officer', 'supervisor'])
  })

  it('finds the account by subject afterwards, and keeps its roles when the claim is absent', async () => {
    const done = await signInThroughProvider({ sub: 'idp-ann', preferred_username: 'renamed.in.idp' })
    expect(done.statusCode).toBe(303)
    const account = await kestrel.services.accounts.findByUsername('ann.officer')
    expect(account?.roles).toEqual(['officer', 'supervisor'])
  })

  it('refuses a callback whose state does not match, without asking for tokens', async () => {
    const before = provider.state.tokenRequests
    const done = await signInThroughProvider({ sub: 'idp-ann' }, { tamperState: true })
    expect(done.statusCode).toBe(400)
    expect(done.body).toContain('Sign-in could not be completed')
    expect(cookieFrom(done.headers['set-cookie'], 'kestrel_session')).toBeUndefined()
    expect(provider.state.tokenRequests).toBe(before)
  })

  it('refuses a callback without the pending sign-in cookie', async () => {
    const done = await kestrel.app.inject('/login/oidc/callback?code=abc&state=def')
    expect(done.statusCode).toBe(400)
    expect(done.body).toContain('started in another window')
  })

  it('refuses people with no Kestrel account, and inactive accounts, with a clear page', async () => {
    const stranger = await signInThroughProvider({ sub: 'idp-stranger', preferred_username: 'no.account' })
    expect(stranger.statusCode).toBe(403)
    expect(stranger.body).toContain('You do not have a Kestrel account')
    const inactive = await signInThroughProvider({ sub: 'idp-gone', preferred_username: 'gone.away' })
    expect(inactive.statusCode).toBe(403)
    expect(inactive.body).toContain('Your Kestrel account is not active')
  })

  it('reads roles claims in the shapes providers send', () => {
    expect(rolesFromClaim(undefined)).toBeUndefined()
    expect(rolesFromClaim(['admin', 'officer', 42, 'nope'])).toEqual(['officer', 'admin'])
    expect(rolesFromClaim('supervisor officer')).toEqual(['officer', 'supervisor'])
    expect(rolesFromClaim('mash,partner')).toEqual(['mash', 'partner'])
    expect(rolesFromClaim([])).toEqual([])
  })

  it('allows plain http only for an issuer on this machine', () => {
    expect(isLocalIssuer('http://127.0.0.1:8080')).toBe(true)
    expect(isLocalIssuer('http://localhost/realms/x')).toBe(true)
    expect(isLocalIssuer('http://idp.example')).toBe(false)
    expect(isLocalIssuer('https://localhost')).toBe(false)
  })
})
