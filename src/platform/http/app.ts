import { randomUUID } from 'node:crypto'
import path from 'node:path'
import cookie from '@fastify/cookie'
import formbody from '@fastify/formbody'
import fastifyStatic from '@fastify/static'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import type nunjucks from 'nunjucks'
import { type Access, permits } from '../access/access.ts'
import type { Role } from '../access/roles.ts'
import type { Principal } from '../auth/principal.ts'
import { type SessionEnds, timeoutNotice } from '../auth/sessions.ts'
import type { SessionPrincipal } from '../auth/users.ts'
import type { Config } from '../config.ts'
import { type TextProblem, unstorableText } from '../text.ts'
import { createViewEnvironment, projectRoot } from '../views/render.ts'
import { HttpError, ValidationError } from './errors.ts'
import { observeRequest } from './metrics.ts'
import { menuFor } from './navigation.ts'
import { securityHeaders } from './security-headers.ts'

export const sessionCookie = 'kestrel_session'

export interface NavigationItem {
  text: string
  href: string
  access: Access
  /** Less used: listed under "More" rather than in the menu's row (navigation.ts). */
  more?: boolean
  /** The roles whose own work this is: kept in their row before the rest (navigation.ts). */
  rowFor?: readonly Role[]
}

/** What the web shell needs from the rest of Kestrel: who is asking, and what the menu holds. */
export interface ShellDependencies {
  config: Config
  principalForSession(token: string): Promise<SessionPrincipal | undefined>
  principalForApiToken(token: string): Promise<Principal | undefined>
  navigation: NavigationItem[]
}

/** A route as registered, for the route-declaration sweep. */
export interface RegisteredRoute {
  method: string | string[]
  url: string
  config: { access?: Access } | undefined
}

declare module 'fastify' {
  interface FastifyInstance {
    routeRegistry: RegisteredRoute[]
  }
  interface FastifyRequest {
    principal: Principal | undefined
    csrfToken: string | undefined
    sessionToken: string | undefined
    /** When the session ends if the person does nothing, and whether doing something pushes it back. */
    sessionEnds: SessionEnds | undefined
    /** The session cookie presented had ended, idle or at its absolute limit: the sign-in page says which. */
    sessionEnded: 'idle' | 'expired' | undefined
  }
  interface FastifyReply {
    render(template: string, context?: Record<string, unknown>): FastifyReply
  }
  interface FastifyContextConfig {
    /**
     * The handler checks the text of its own body, to say more than a bad request can: a page's form names
     * the field in its error summary (form.ts), an import names the line (importer.ts).
     */
    checksOwnText?: boolean
  }
}

/**
 * Requests answered as a machine would want: bearer tokens accepted, 401 rather than a sign-in redirect,
 * problem details for errors. That is the API and /metrics, but not the API's documentation page, which
 * people read in a browser.
 */
export function isApiRequest(request: FastifyRequest): boolean {
  const path = request.url.split('?')[0] as string
  if (path === '/metrics') return true
  return path.startsWith('/api/') && path !== '/api/docs'
}

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/**
 * Builds the web shell with its middleware in one fixed order: request id and security headers, body
 * parsing, static assets, who is asking, whether they may, text the database cannot store, CSRF, then the
 * routes the caller registers.
 */
export async function createShell(
  deps: ShellDependencies,
): Promise<{ app: FastifyInstance; views: nunjucks.Environment }> {
  const app = Fastify({
    logger:
      deps.config.logLevel === 'silent'
        ? false
        : { level: deps.config.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie'] },
    genReqId: (req) => {
      const supplied = req.headers['x-request-id']
      return typeof supplied === 'string' && /^[\w-]{1,64}$/.test(supplied) ? supplied : randomUUID()
    },
    // X-Forwarded-For names the client only when a configured proxy sent it: from anyone else it would let
    // a client choose its own address, and with it the sign-in throttle's count.
    trustProxy: deps.config.trustedProxies.length ? deps.config.trustedProxies : false,
    bodyLimit: 10 * 1024 * 1024,
  })
  const views = createViewEnvironment()
  views.addGlobal('forceName', deps.config.forceName)

  securityHeaders(app, { secure: deps.config.secureCookies })
  app.addHook('onResponse', async (request, reply) => observeRequest(request, reply))
  await app.register(cookie)
  await app.register(formbody)

  // Static routes are public by nature: they hold no data, only the design system.
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/assets/') && !route.config?.access) {
      route.config = { ...(route.config ?? {}), access: { kind: 'public' } }
    }
  })
  // Every route, as registered, so a test can check that each one declares who may use it.
  app.decorate('routeRegistry', [] as RegisteredRoute[])
  app.addHook('onRoute', (route) => {
    app.routeRegistry.push({ method: route.method, url: route.url, config: route.config })
  })
  const assets: [string, string][] = [
    ['/assets/govuk/', 'node_modules/govuk-frontend/dist/govuk'],
    ['/assets/moj/', 'node_modules/@ministryofjustice/frontend/moj'],
    ['/assets/kestrel/', 'public'],
    ['/assets/', 'node_modules/govuk-frontend/dist/govuk/assets'],
  ]
  for (const [prefix, folder] of assets) {
    await app.register(fastifyStatic, {
      root: path.join(projectRoot, folder),
      prefix,
      decorateReply: false,
      index: false,
      wildcard: true,
      allowedPath: (pathName) => !pathName.endsWith('.scss') && !pathName.endsWith('.njk'),
      maxAge: deps.config.env === 'production' ? '1d' : 0,
    })
  }

  app.decorateRequest('principal', undefined)
  app.decorateRequest('csrfToken', undefined)
  app.decorateRequest('sessionToken', undefined)
  app.decorateRequest('sessionEnds', undefined)
  app.decorateRequest('sessionEnded', undefined)

  app.decorateReply(
    'render',
    function (this: FastifyReply, template: string, context: Record<string, unknown> = {}) {
      const request = this.request
      const principal = request.principal
      const menu = principal
        ? menuFor(deps.navigation, principal.roles, request.url, deps.config.forceName)
        : undefined
      const html = views.render(template, {
        principal,
        csrfToken: request.csrfToken,
        cspNonce: request.cspNonce,
        // The menu's row (ending with "More" when some items are under it), those items, and every item.
        navigation: menu?.row ?? [],
        moreNavigation: menu?.more ?? [],
        fullNavigation: menu?.all ?? [],
        currentUrl: request.url,
        // Server-rendered, so the warning works without JavaScript (the GOV.UK timeout warning pattern).
        sessionTimeout:
          request.sessionEnds && timeoutNotice(request.sessionEnds, deps.config.sessionIdleMinutes),
        ...context,
      })
      return this.type('text/html; charset=utf-8').send(html)
    },
  )

  // Who is asking: a session cookie for people, a bearer token for system clients on the API.
  app.addHook('onRequest', async (request, reply) => {
    if (request.url.startsWith('/assets/')) return
    const authorization = request.headers.authorization
    if (authorization?.startsWith('Bearer ') && isApiRequest(request)) {
      request.principal = await deps.principalForApiToken(authorization.slice(7).trim())
      return
    }
    const token = request.cookies[sessionCookie]
    if (!token) return
    const session = await deps.principalForSession(token)
    if (session && 'ended' in session) {
      request.sessionEnded = session.ended
      reply.clearCookie(sessionCookie, { path: '/' })
    } else if (session) {
      request.principal = session.principal
      request.csrfToken = session.csrfToken
      request.sessionToken = token
      request.sessionEnds = session.ends
    }
  })

  // Whether they may: the route's own declaration, and nothing undeclared.
  app.addHook('onRequest', async (request, reply) => {
    const access = request.routeOptions.config?.access
    if (!access) {
      if (request.routeOptions.url === undefined) return // 404: the not-found handler answers
      request.log.error({ route: request.routeOptions.url }, 'route has no access declaration; refused')
      throw new HttpError(403, 'You do not have access to this')
    }
    if (access.kind === 'public') return
    if (!request.principal) {
      if (isApiRequest(request)) throw new HttpError(401, 'Sign in or send a valid API token')
      const query = [
        ...(request.method === 'GET' ? [`returnTo=${encodeURIComponent(request.url)}`] : []),
        ...(request.sessionEnded ? [`ended=${request.sessionEnded}`] : []),
      ]
      return reply.redirect(query.length ? `/login?${query.join('&')}` : '/login', 303)
    }
    if (!permits(access, request.principal.roles)) {
      throw new HttpError(403, 'You do not have access to this')
    }
  })

  // Text the database cannot store (a NUL, half a surrogate pair) is refused here, wherever it is in the
  // request, before any handler could write it or fail on it: a 400 naming the field.
  app.addHook('preValidation', async (request) => {
    const problems: TextProblem[] = [
      ...unstorableText(request.params),
      ...unstorableText(request.query),
      ...(request.routeOptions.config?.checksOwnText ? [] : unstorableText(request.body, 'body')),
    ]
    if (problems.length) throw new ValidationError(problems)
  })

  // CSRF: every state-changing request made with a session cookie carries the session's token.
  app.addHook('preHandler', async (request) => {
    if (!unsafeMethods.has(request.method)) return
    if (request.principal?.kind === 'token') return // bearer tokens are not sent by browsers unasked
    if (!request.sessionToken) return // no session: nothing a forged request could borrow
    const body = request.body as Record<string, unknown> | undefined
    const supplied =
      (body && typeof body === 'object' ? body._csrf : undefined) ?? request.headers['x-csrf-token']
    if (typeof supplied !== 'string' || supplied !== request.csrfToken) {
      throw new HttpError(
        403,
        'This form has expired or was not sent by Kestrel. Go back, reload the page and try again.',
      )
    }
  })

  app.setNotFoundHandler(async (request, reply) => {
    if (isApiRequest(request)) {
      return reply
        .code(404)
        .type('application/problem+json')
        .send(problem(404, 'Not found', request))
    }
    return reply.code(404).render('errors/404.njk', { pageTitle: 'Page not found' })
  })

  app.setErrorHandler(
    async (error: Error & { statusCode?: number; validation?: unknown }, request, reply) => {
      let status = error instanceof HttpError ? error.statusCode : (error.statusCode ?? 500)
      if (status < 400 || status > 599) status = 500
      if (status >= 500) request.log.error({ err: error }, 'request failed')
      const message = status >= 500 ? 'Sorry, there is a problem with the service' : error.message
      if (isApiRequest(request)) {
        const body = problem(status, message, request)
        if (error instanceof ValidationError) body.errors = error.errors
        return reply.code(status).type('application/problem+json').send(body)
      }
      const template =
        status === 403
          ? 'errors/403.njk'
          : status === 404
            ? 'errors/404.njk'
            : status >= 500
              ? 'errors/500.njk'
              : 'errors/400.njk'
      return reply
        .code(status)
        .render(template, { pageTitle: titleFor(status), message, requestId: request.id })
    },
  )

  return { app, views }
}

function titleFor(status: number): string {
  if (status === 403) return 'You do not have access'
  if (status === 404) return 'Page not found'
  if (status === 409) return 'Someone else changed this record'
  if (status >= 500) return 'Sorry, there is a problem with the service'
  return 'There is a problem with your request'
}

/** RFC 9457 problem details. */
export function problem(status: number, title: string, request: FastifyRequest): Record<string, unknown> {
  return {
    type: `https://kestrel.invalid/problems/${status}`,
    title,
    status,
    instance: request.url,
    requestId: request.id,
  }
}
