import { randomBytes } from 'node:crypto'
import type { FastifyInstance } from 'fastify'

declare module 'fastify' {
  interface FastifyRequest {
    cspNonce: string
  }
}

/**
 * A per-request nonce lets the one inline script GOV.UK's template needs run, and nothing else inline.
 * Everything is served from this origin: no CDN, no third-party fonts.
 */
export function securityHeaders(app: FastifyInstance, options: { secure: boolean }) {
  app.decorateRequest('cspNonce', '')
  app.addHook('onRequest', async (request) => {
    request.cspNonce = randomBytes(16).toString('base64')
  })
  app.addHook('onSend', async (request, reply) => {
    reply.header(
      'Content-Security-Policy',
      [
        "default-src 'self'",
        `script-src 'self' 'nonce-${request.cspNonce}'`,
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
      ].join('; '),
    )
    reply.header('X-Content-Type-Options', 'nosniff')
    reply.header('X-Frame-Options', 'DENY')
    reply.header('Referrer-Policy', 'same-origin')
    reply.header('Cross-Origin-Opener-Policy', 'same-origin')
    reply.header('Cross-Origin-Resource-Policy', 'same-origin')
    reply.header('Permissions-Policy', 'camera=(), microphone=(), geolocation=()')
    if (options.secure) reply.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains')
    // Pages about children must not sit in shared caches or the browser's back-forward history on a shared PC.
    if (!request.url.startsWith('/assets/')) reply.header('Cache-Control', 'no-store')
  })
}
