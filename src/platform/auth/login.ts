import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Services } from '../../services.ts'
import { publicAccess, signedIn } from '../access/access.ts'
import { sessionCookie } from '../http/app.ts'
import { inlineErrors } from './form-errors.ts'
import { lockoutMinutes, lockoutThreshold } from './lockout.ts'
import { SlidingWindowLimiter } from './rate-limit.ts'
import { safeReturnTo } from './return-to.ts'

/** Sign-in attempts allowed from one address in the window. */
export const loginRateLimit = { attempts: 10, windowMs: 5 * 60_000 }

// Before there is a session there is no session CSRF token, so the sign-in form carries its own,
// matched against a cookie (double submit): another site cannot sign a person in as someone else.
const loginCsrfCookie = 'kestrel_login_csrf'

const refusedMessage = 'Enter a correct username and password'

/**
 * Starts a session for a person who has just proved who they are: a fresh token every time, and any
 * session the browser already held is ended, so a token planted before sign-in is worth nothing after.
 */
export async function startSession(
  request: FastifyRequest,
  reply: FastifyReply,
  services: Services,
  userId: string,
) {
  const previous = request.cookies[sessionCookie]
  if (previous) await services.sessions.destroy(previous)
  const session = await services.sessions.create(userId, {
    ip: request.ip,
    userAgent: request.headers['user-agent'],
  })
  reply.setCookie(sessionCookie, session.token, {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: services.config.secureCookies,
    maxAge: Math.round(services.config.sessionHours * 3600),
  })
}

function sameToken(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

function field(body: unknown, name: string): string {
  const value = body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined
  return typeof value === 'string' ? value : ''
}

export function loginRoutes(app: FastifyInstance, services: Services) {
  const limiter = new SlidingWindowLimiter(loginRateLimit.attempts, loginRateLimit.windowMs)

  function renderLogin(
    request: FastifyRequest,
    reply: FastifyReply,
    context: {
      returnTo: string
      username?: string
      errors?: { text: string; href: string }[]
      signedOut?: boolean
    },
  ) {
    let csrfToken = request.csrfToken
    if (!request.sessionToken) {
      csrfToken = randomBytes(24).toString('base64url')
      reply.setCookie(loginCsrfCookie, csrfToken, {
        httpOnly: true,
        sameSite: 'strict',
        path: '/login',
        secure: services.config.secureCookies,
      })
    }
    return reply.render('auth/login.njk', {
      pageTitle: 'Sign in',
      csrfToken,
      oidc: Boolean(services.config.oidc),
      lockoutThreshold,
      lockoutMinutes,
      ...context,
      fieldErrors: inlineErrors(context.errors ?? []),
      refused: context.errors?.[0]?.text === refusedMessage,
    })
  }

  app.get('/login', { config: { access: publicAccess } }, async (request, reply) => {
    const query = request.query as Record<string, unknown>
    const returnTo = safeReturnTo(query.returnTo)
    if (request.principal) return reply.redirect(returnTo, 303)
    return renderLogin(request, reply, { returnTo, signedOut: query.signedOut === '1' })
  })

  app.post('/login', { config: { access: publicAccess } }, async (request, reply) => {
    const allowed = limiter.attempt(request.ip, services.clock.now().getTime())
    if (!allowed.allowed) {
      request.log.warn({ ip: request.ip }, 'sign-in rate limit reached')
      return reply
        .code(429)
        .header('Retry-After', String(allowed.retryAfterSeconds))
        .render('auth/too-many-attempts.njk', {
          pageTitle: 'Too many attempts to sign in',
          minutes: Math.ceil(allowed.retryAfterSeconds / 60),
        })
    }
    const body = request.body
    const returnTo = safeReturnTo(field(body, 'returnTo'))
    const username = field(body, 'username').trim()
    const password = field(body, 'password')

    // A session's own token was already checked by the shell; without one, the double-submit cookie is.
    if (!request.sessionToken) {
      const expected = request.cookies[loginCsrfCookie]
      if (!expected || !sameToken(expected, field(body, '_csrf'))) {
        return renderLogin(request, reply.code(400), {
          returnTo,
          username,
          errors: [
            {
              text: 'Your sign-in page had expired. Enter your username and password again',
              href: '#username',
            },
          ],
        })
      }
    }

    const errors: { text: string; href: string }[] = []
    if (!username) errors.push({ text: 'Enter your username', href: '#username' })
    if (!password) errors.push({ text: 'Enter your password', href: '#password' })
    if (errors.length) return renderLogin(request, reply.code(400), { returnTo, username, errors })

    const result = await services.accounts.signIn(username, password)
    if (!result.ok) {
      request.log.info(
        { username: username.slice(0, 64), reason: result.reason, ip: request.ip },
        'sign-in refused',
      )
      return renderLogin(request, reply.code(400), {
        returnTo,
        username,
        errors: [{ text: refusedMessage, href: '#username' }],
      })
    }
    await startSession(request, reply, services, result.userId)
    reply.clearCookie(loginCsrfCookie, { path: '/login' })
    return reply.redirect(returnTo, 303)
  })

  app.post('/logout', { config: { access: signedIn } }, async (request, reply) => {
    if (request.sessionToken) await services.sessions.destroy(request.sessionToken)
    reply.clearCookie(sessionCookie, { path: '/' })
    return reply.redirect('/login?signedOut=1', 303)
  })
}
