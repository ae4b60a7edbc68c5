import type { FastifyInstance } from 'fastify'
import { allow } from './platform/access/access.ts'
import { adminUserRoutes } from './platform/auth/admin-users.ts'
import { loginRoutes } from './platform/auth/login.ts'
import { oidcRoutes } from './platform/auth/oidc.ts'
import { apiRoutes } from './platform/http/api.ts'
import { apiTokenRoutes } from './platform/http/api-tokens.ts'
import type { NavigationItem } from './platform/http/app.ts'
import { healthRoutes } from './platform/http/health.ts'
import { metricsRoutes } from './platform/http/metrics.ts'
import { importRoutes } from './platform/import/routes.ts'
import type { AnyModule, MenuItem } from './platform/module.ts'
import type { Services } from './services.ts'

const platformMenu: MenuItem[] = [
  { text: 'Users', href: '/admin/users', access: allow('admin'), position: 130, more: true },
  { text: 'API tokens', href: '/admin/api-tokens', access: allow('admin'), position: 140, more: true },
]

/** The menu, in the order people see it; each item shows only to the roles its page admits. */
export function navigationOf(modules: readonly AnyModule[]): NavigationItem[] {
  return [...platformMenu, ...modules.flatMap((m) => m.menu ?? [])]
    .sort((a, b) => a.position - b.position)
    .map(({ text, href, access, more, rowFor }) => ({
      text,
      href,
      access,
      ...(more ? { more } : {}),
      ...(rowFor ? { rowFor } : {}),
    }))
}

/** Every route Kestrel serves: the platform's, then each module's. */
export function registerRoutes(app: FastifyInstance, services: Services) {
  healthRoutes(app, services.db)
  metricsRoutes(app)
  apiRoutes(app, services.config)
  apiTokenRoutes(app, services.apiTokens)
  loginRoutes(app, services)
  oidcRoutes(app, services)
  adminUserRoutes(app, services)
  importRoutes(app, services.imports)
  for (const module of services.modules) module.routes?.(app, services)
}
