import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Services } from '../../services.ts'
import { publicAccess, signedIn } from '../access/access.ts'
import { problem, sessionCookie } from '../http/app.ts'
import { metrics } from '../http/metrics.ts'
import { londonTime } from '../time.ts'
import { normaliseUsername } from './accounts.ts'
import { inlineErrors } from './form-errors.ts'
import { safeReturnTo } from './return-to.ts'
import type { AttemptKeys } from './sign-in-attempts.ts'
import { type Engaged, type Refusal, retryAfterSeconds, signInLimits } from './sign-in-throttle.ts'

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
  // Sessions nobody will use again (ended, or idle past the limit) go now, rather than wait in the table.
  await services.sessions.purgeExpired()
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

/** A client that asked for JSON (a script, a test harness) gets problem details rather than the page. */
function wantsJson(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? ''
  return /application\/(problem\+)?json/.test(accept) && !accept.includes('text/html')
}

/** "30 minutes", "1 hour", "8 hours": how long a session lasts, as the sign-in page says it. */
export function durationText(minutes: number): string {
  if (minutes >= 60 && minutes % 60 === 0) return minutes === 60 ? '1 hour' : `${minutes / 60} hours`
  const whole = Math.round(minutes)
  return whole === 1 ? '1 minute' : `${whole} minutes`
}

export function loginRoutes(app: FastifyInstance, services: Services) {
  const { clock, config, signIns } = services

  function renderLogin(
    request: FastifyRequest,
    reply: FastifyReply,
    context: {
      returnTo: string
      username?: string
      errors?: { text: string; href: string }[]
      signedOut?: boolean
      ended?: string
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
      limits: signInLimits.accountAddress,
      idleTime: durationText(config.sessionIdleMinutes),
      sessionTime: durationText(config.sessionHours * 60),
      ...context,
      fieldErrors: inlineErrors(context.errors ?? []),
      refused: context.errors?.[0]?.text === refusedMessage,
    })
  }

  app.get('/login', { config: { access: publicAccess } }, async (request, reply) => {
    const query = request.query as Record<string, unknown>
    const returnTo = safeReturnTo(query.returnTo)
    if (request.principal) return reply.redirect(returnTo, 303)
    const ended = query.ended === 'idle' || query.ended === 'expired' ? query.ended : undefined
    return renderLogin(request, reply, { returnTo, signedOut: query.signedOut === '1', ended })
  })

  /** A throttled attempt: 429 with Retry-After, and on the page the error summary saying when to try again. */
  function refuse(
    request: FastifyRequest,
    reply: FastifyReply,
    refused: Refusal,
    context: { returnTo: string; username: string },
  ) {
    const seconds = retryAfterSeconds(refused, clock.now())
    metrics().signInRefused.labels(refused.scope).inc()
    request.log.warn({ ip: request.ip, scope: refused.scope, seconds }, 'sign-in held back by the throttle')
    reply.code(429).header('Retry-After', String(seconds))
    const title = 'Too many attempts to sign in'
    if (wantsJson(request)) {
      return reply
        .type('application/problem+json')
        .send({ ...problem(429, title, request), retryAfterSeconds: seconds })
    }
    // Rounded up to the minute, so trying again at the time shown is never too early.
    const at = londonTime(new Date(Math.ceil(refused.retryAt.getTime() / 60_000) * 60_000))
    return renderLogin(request, reply, {
      ...context,
      errors: [
        { text: `There have been too many attempts to sign in. Try again at ${at}`, href: '#username' },
      ],
    })
  }

  /** Each limit a wrong password set off, in the access log and the metrics. */
  async function recordEngaged(request: FastifyRequest, keys: AttemptKeys, engaged: Engaged[]) {
    if (!engaged.length) return
    for (const limit of engaged) {
      metrics().signInLimitsEngaged.labels(limit.scope).inc()
      request.log.warn({ ip: keys.address, scope: limit.scope, until: limit.until }, 'sign-in limit engaged')
    }
    await services.accessLog.recordMany(
      engaged.map((limit) => ({
        actorId: `address:${keys.address}`,
        actorName: `sign-in from ${keys.address}`,
        action: limit.scope === 'account' ? 'sign-in-delayed' : 'sign-in-locked',
        subjectKind: limit.scope === 'address' ? 'address' : 'account',
        subjectId: limit.scope === 'address' ? keys.address : keys.username,
        requestId: request.id,
        detail: {
          scope: limit.scope,
          address: keys.address,
          username: keys.username,
          failures: limit.failures,
          until: limit.until.toISOString(),
        },
      })),
    )
  }

  app.post('/login', { config: { access: publicAccess } }, async (request, reply) => {
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

    // The throttle counts what was typed, whether or not such an account exists, so that being held back
    // does not tell anyone which usernames are real.
    const keys = { username: normaliseUsername(username).slice(0, 100), address: request.ip }
    const begun = await signIns.begin(keys)
    if (!begun.allowed) return refuse(request, reply, begun.refusal, { returnTo, username })

    const result = await services.accounts.signIn(username, password)
    if (!result.ok) {
      request.log.info(
        { username: username.slice(0, 64), reason: result.reason, ip: request.ip },
        'sign-in refused',
      )
      await recordEngaged(request, keys, begun.engagedIfWrong)
      return renderLogin(request, reply.code(400), {
        returnTo,
        username,
        errors: [{ text: refusedMessage, href: '#username' }],
      })
    }
    await signIns.succeeded(keys)
    await signIns.purgeStale()
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
