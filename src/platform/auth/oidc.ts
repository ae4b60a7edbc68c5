import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import * as client from 'openid-client'
import type { Services } from '../../services.ts'
import { publicAccess } from '../access/access.ts'
import { roles as allRoles, isRole, type Role } from '../access/roles.ts'
import type { Config } from '../config.ts'
import { startSession } from './login.ts'
import { safeReturnTo } from './return-to.ts'

type OidcSettings = NonNullable<Config['oidc']>

export const oidcCallbackPath = '/login/oidc/callback'
const pendingLifetimeMs = 10 * 60_000

/** What the browser carries between leaving for the identity provider and coming back. */
interface PendingSignIn {
  state: string
  nonce: string
  codeVerifier: string
  returnTo: string
  expiresAt: number
}

/**
 * openid-client refuses plain-http issuers, rightly. A developer's or a test's provider on this machine is
 * the one exception: nothing crosses a network there.
 */
export function isLocalIssuer(issuer: string): boolean {
  const url = new URL(issuer)
  return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)
}

/**
 * The roles a roles claim grants, keeping only roles Kestrel knows. A provider may send an array or one
 * space- or comma-separated string. Undefined when the claim is absent: the account keeps its own roles.
 */
export function rolesFromClaim(value: unknown): Role[] | undefined {
  if (value === undefined || value === null) return undefined
  const names = Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string')
    : typeof value === 'string'
      ? value.split(/[\s,]+/)
      : []
  const known = new Set(names.map((n) => n.trim()).filter(isRole))
  return allRoles.filter((r) => known.has(r))
}

/** The force's identity provider, discovered once and remembered; a failed discovery is retried next time. */
export function oidcClient(settings: OidcSettings, baseUrl: string) {
  let discovered: Promise<client.Configuration> | undefined
  const redirectUri = new URL(oidcCallbackPath, baseUrl).href

  function configuration(): Promise<client.Configuration> {
    discovered ??= client
      .discovery(
        new URL(settings.issuer),
        settings.clientId,
        undefined,
        settings.clientSecret ? client.ClientSecretBasic(settings.clientSecret) : client.None(),
        { execute: isLocalIssuer(settings.issuer) ? [client.allowInsecureRequests] : [], timeout: 10 },
      )
      .catch((error: unknown) => {
        discovered = undefined
        throw error
      })
    return discovered
  }

  return {
    redirectUri,

    async start(returnTo: string, nowMs: number): Promise<{ url: URL; pending: PendingSignIn }> {
      const config = await configuration()
      const pending: PendingSignIn = {
        state: client.randomState(),
        nonce: client.randomNonce(),
        codeVerifier: client.randomPKCECodeVerifier(),
        returnTo,
        expiresAt: nowMs + pendingLifetimeMs,
      }
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: 'openid profile email',
        response_type: 'code',
        state: pending.state,
        nonce: pending.nonce,
        code_challenge: await client.calculatePKCECodeChallenge(pending.codeVerifier),
        code_challenge_method: 'S256',
      })
      return { url, pending }
    },

    /** Exchanges the code and checks state, nonce and PKCE; returns the ID token's claims. */
    async finish(callbackUrl: URL, pending: PendingSignIn) {
      const config = await configuration()
      const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      })
      const claims = tokens.claims()
      if (!claims) throw new Error('the identity provider returned no ID token')
      return claims
    },
  }
}

function pendingCookieName(secure: boolean) {
  // __Host- binds the cookie to this exact host over https, so a sibling subdomain cannot plant one.
  return secure ? '__Host-kestrel_oidc' : 'kestrel_oidc'
}

function readPending(raw: string | undefined, nowMs: number): PendingSignIn | undefined {
  if (!raw) return undefined
  try {
    const value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<PendingSignIn>
    if (
      typeof value.state !== 'string' ||
      typeof value.nonce !== 'string' ||
      typeof value.codeVerifier !== 'string' ||
      typeof value.expiresAt !== 'number' ||
      value.expiresAt < nowMs
    ) {
      return undefined
    }
    return { ...(value as PendingSignIn), returnTo: safeReturnTo(value.returnTo) }
  } catch {
    return undefined
  }
}

/**
 * Sign-in through the force's identity provider (authorization code flow with PKCE, state and nonce).
 * The pending sign-in travels in a short-lived HttpOnly cookie rather than a table: its values are random
 * and checked against the provider's answer, so a signature would add nothing an attacker could not get by
 * starting a sign-in of their own, and any application process can finish what another began.
 */
export function oidcRoutes(app: FastifyInstance, services: Services) {
  const settings = services.config.oidc
  if (!settings) return
  const provider = oidcClient(settings, services.config.baseUrl)
  const secure = services.config.secureCookies
  const cookieName = pendingCookieName(secure)
  const cookiePath = secure ? '/' : '/login/oidc' // __Host- cookies must use Path=/

  function refuse(reply: FastifyReply, status: number, heading: string, message: string) {
    reply.clearCookie(cookieName, { path: cookiePath })
    return reply.code(status).render('auth/oidc-refused.njk', { pageTitle: heading, heading, message })
  }

  app.get('/login/oidc', { config: { access: publicAccess } }, async (request, reply) => {
    const returnTo = safeReturnTo((request.query as Record<string, unknown>).returnTo)
    let started: Awaited<ReturnType<typeof provider.start>>
    try {
      started = await provider.start(returnTo, services.clock.now().getTime())
    } catch (error) {
      request.log.error({ err: error }, 'identity provider discovery failed')
      return refuse(
        reply,
        502,
        'Force sign-in is not available',
        'The force sign-in service is not answering. Try again in a few minutes, or sign in with a Kestrel username and password if you have one.',
      )
    }
    reply.setCookie(cookieName, Buffer.from(JSON.stringify(started.pending)).toString('base64url'), {
      httpOnly: true,
      // Lax, not Strict: the way back from the provider is a top-level navigation from another site.
      sameSite: 'lax',
      secure,
      path: cookiePath,
      maxAge: pendingLifetimeMs / 1000,
    })
    return reply.redirect(started.url.href, 302)
  })

  app.get(oidcCallbackPath, { config: { access: publicAccess } }, async (request: FastifyRequest, reply) => {
    const query = request.query as Record<string, unknown>
    const pending = readPending(request.cookies[cookieName], services.clock.now().getTime())
    if (!pending) {
      return refuse(
        reply,
        400,
        'Sign-in could not be completed',
        'Your sign-in took too long or was started in another window. Go back to the sign-in page and start again.',
      )
    }
    if (typeof query.error === 'string') {
      request.log.info({ error: query.error }, 'identity provider refused sign-in')
      return refuse(
        reply,
        403,
        'Sign-in was refused',
        'The force sign-in service did not sign you in. Start again, or ask your system administrator.',
      )
    }
    if (query.state !== pending.state) {
      request.log.warn('OpenID Connect callback with a state that does not match this browser')
      return refuse(
        reply,
        400,
        'Sign-in could not be completed',
        'This sign-in answer does not belong to the sign-in this browser started. Go back to the sign-in page and start again.',
      )
    }
    let claims: Awaited<ReturnType<typeof provider.finish>>
    try {
      claims = await provider.finish(new URL(request.url, services.config.baseUrl), pending)
    } catch (error) {
      request.log.warn({ err: error }, 'OpenID Connect sign-in failed')
      return refuse(
        reply,
        400,
        'Sign-in could not be completed',
        'The answer from the force sign-in service could not be checked. Go back to the sign-in page and start again.',
      )
    }
    const preferred = typeof claims.preferred_username === 'string' ? claims.preferred_username : undefined
    const result = await services.accounts.signInWithOidc({
      subject: claims.sub,
      preferredUsername: preferred,
      roles: rolesFromClaim(claims[settings.rolesClaim]),
    })
    if (!result.ok) {
      request.log.info({ subject: claims.sub, reason: result.reason }, 'OpenID Connect sign-in refused')
      return refuse(
        reply,
        403,
        result.reason === 'inactive'
          ? 'Your Kestrel account is not active'
          : 'You do not have a Kestrel account',
        result.reason === 'inactive'
          ? 'Your force account was recognised, but your Kestrel account has been deactivated. Ask your system administrator if you need access.'
          : 'Your force account was recognised, but no Kestrel account is linked to it. Ask your system administrator to create one with your force username.',
      )
    }
    reply.clearCookie(cookieName, { path: cookiePath })
    await startSession(request, reply, services, result.userId)
    return reply.redirect(pending.returnTo, 303)
  })
}
