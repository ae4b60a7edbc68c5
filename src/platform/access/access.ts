import type { Role } from './roles.ts'

/**
 * What every route declares: who may use it. A route without a declaration is refused at run time and
 * fails the route sweep test, so nothing is reachable by accident.
 */
export type Access =
  | { kind: 'public' } // health checks, login, assets: nothing about a person
  | { kind: 'signed-in' } // any signed-in account (home page, sign out, own profile)
  | { kind: 'roles'; roles: readonly Role[] }

export const publicAccess: Access = { kind: 'public' }
export const signedIn: Access = { kind: 'signed-in' }
export function allow(...allowed: Role[]): Access {
  return { kind: 'roles', roles: allowed }
}

export function permits(access: Access, userRoles: readonly Role[] | undefined): boolean {
  if (access.kind === 'public') return true
  if (!userRoles) return false
  if (access.kind === 'signed-in') return true
  return access.roles.some((role) => userRoles.includes(role))
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access
  }
}
