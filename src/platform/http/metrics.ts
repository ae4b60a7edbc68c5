import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client'
import { allow } from '../access/access.ts'

/**
 * Prometheus metrics: the process's own (memory, event loop lag, GC) and how long requests take, by
 * route pattern and status. Served two ways:
 *  - GET /metrics on the application port, to an admin session or an API token holding the admin role;
 *  - with KESTREL_METRICS_PORT set, also on a separate plain listener bound to 127.0.0.1 with no
 *    authentication, for a scraper on the same host (or a sidecar) that should not hold a token.
 */

/** One registry per process: default metrics describe the process, whatever number of apps it builds. */
let shared:
  | {
      registry: Registry
      requestDuration: Histogram<'method' | 'route' | 'status_code'>
      signInLimitsEngaged: Counter<'scope'>
      signInRefused: Counter<'scope'>
      consistencyDifferences: Counter<'rule'>
      consistencyChecks: Counter<'result'>
    }
  | undefined

/** The sign-in throttle's counts (src/platform/auth/sign-in-throttle.ts), each series present from the start. */
const signInScopes = ['account-address', 'address', 'account']

export function metrics() {
  if (!shared) {
    const registry = new Registry()
    collectDefaultMetrics({ register: registry, prefix: 'kestrel_' })
    const requestDuration = new Histogram({
      name: 'kestrel_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by route pattern and status',
      labelNames: ['method', 'route', 'status_code'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    })
    const signInLimitsEngaged = new Counter({
      name: 'kestrel_sign_in_limits_engaged_total',
      help: 'Sign-in limits set off by a wrong password: a lockout begun or an account slowed further, by scope',
      labelNames: ['scope'] as const,
      registers: [registry],
    })
    const signInRefused = new Counter({
      name: 'kestrel_sign_in_refused_total',
      help: 'Sign-in attempts refused with 429 by the throttle, by the scope that held them back',
      labelNames: ['scope'] as const,
      registers: [registry],
    })
    const consistencyDifferences = new Counter({
      name: 'kestrel_standards_consistency_differences_total',
      help: 'Stored findings the consistency check found different from a full re-derivation (defects), by rule',
      labelNames: ['rule'] as const,
      registers: [registry],
    })
    const consistencyChecks = new Counter({
      name: 'kestrel_standards_consistency_checks_total',
      help: 'Consistency checks run, by result: consistent, differences or failed (a rule failed)',
      labelNames: ['result'] as const,
      registers: [registry],
    })
    for (const result of ['consistent', 'differences', 'failed']) consistencyChecks.labels(result).inc(0)
    for (const scope of signInScopes) {
      signInLimitsEngaged.labels(scope).inc(0)
      signInRefused.labels(scope).inc(0)
    }
    shared = {
      registry,
      requestDuration,
      signInLimitsEngaged,
      signInRefused,
      consistencyDifferences,
      consistencyChecks,
    }
  }
  return shared
}

/**
 * Observes one finished request. The label is the route pattern (/children/:id), never the URL, so a
 * label cannot carry a person's identifier and the number of series stays bounded.
 */
export function observeRequest(request: FastifyRequest, reply: FastifyReply) {
  if (request.url.startsWith('/assets/')) return
  const route = request.routeOptions.url ?? 'unmatched'
  metrics().requestDuration.observe(
    { method: request.method, route, status_code: String(reply.statusCode) },
    reply.elapsedTime / 1000,
  )
}

export function metricsRoutes(app: FastifyInstance) {
  app.get('/metrics', { config: { access: allow('admin') } }, async (_request, reply) => {
    const { registry } = metrics()
    return reply.type(registry.contentType).send(await registry.metrics())
  })
}

/** The internal metrics listener: 127.0.0.1 only, GET /metrics only, no authentication. */
export async function startMetricsServer(
  port: number,
  host = '127.0.0.1',
): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0]
    if (request.method !== 'GET' || path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n')
      return
    }
    const { registry } = metrics()
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      () => response.writeHead(500, { 'content-type': 'text/plain' }).end('Metrics unavailable\n'),
    )
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve())
  })
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
