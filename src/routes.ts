import type { FastifyInstance } from 'fastify'
import { personReaders } from './modules/children/access.ts'
import { childrenApiRoutes } from './modules/children/api.ts'
import { childrenRoutes, peoplePath } from './modules/children/routes.ts'
import { custodyAccess } from './modules/custody/access.ts'
import { custodyApi } from './modules/custody/api.ts'
import { custodyPath, custodyRoutes } from './modules/custody/routes.ts'
import { homeRoutes } from './modules/home/routes.ts'
import { investigationReaders } from './modules/investigations/access.ts'
import { investigationsApi } from './modules/investigations/api.ts'
import { investigationsPath, investigationsRoutes } from './modules/investigations/routes.ts'
import { missingReaders } from './modules/missing/access.ts'
import { missingApi } from './modules/missing/api.ts'
import { missingPath, missingRoutes } from './modules/missing/routes.ts'
import { organisationPath, organisationRoutes } from './modules/organisation/routes.ts'
import { pacPartners, pacReaders } from './modules/referrals/access.ts'
import { referralsApiRoutes } from './modules/referrals/api.ts'
import { referralsPath, referralsRoutes } from './modules/referrals/routes.ts'
import { triageAccess } from './modules/triage/access.ts'
import { triageApi } from './modules/triage/api.ts'
import { devicesPath, triageRoutes } from './modules/triage/routes.ts'
import { allow, signedIn } from './platform/access/access.ts'
import { adminUserRoutes } from './platform/auth/admin-users.ts'
import { loginRoutes } from './platform/auth/login.ts'
import { oidcRoutes } from './platform/auth/oidc.ts'
import { apiRoutes } from './platform/http/api.ts'
import { apiTokenRoutes } from './platform/http/api-tokens.ts'
import type { NavigationItem } from './platform/http/app.ts'
import { healthRoutes } from './platform/http/health.ts'
import { metricsRoutes } from './platform/http/metrics.ts'
import { importRoutes } from './platform/import/routes.ts'
import type { Services } from './services.ts'
import { staffAccess, teamRoles } from './standards/access.ts'
import { standardsRoutes } from './standards/routes.ts'

/** The menu, in the order people see it; each item shows only to the roles its page admits. */
export const navigation: NavigationItem[] = [
  { text: 'Home', href: '/', access: signedIn },
  { text: 'People', href: peoplePath, access: personReaders },
  { text: 'PACs', href: referralsPath, access: pacReaders },
  { text: 'Shared PACs', href: '/partner/pacs', access: pacPartners },
  { text: 'Investigations', href: investigationsPath, access: investigationReaders },
  { text: 'My work', href: '/my-work', access: staffAccess },
  { text: 'My team', href: '/my-team', access: teamRoles },
  { text: 'Custody', href: custodyPath, access: custodyAccess.read },
  { text: 'Devices', href: devicesPath, access: triageAccess.read },
  { text: 'Missing', href: missingPath, access: missingReaders },
  { text: 'Rules', href: '/rules', access: staffAccess },
  { text: 'Rule parameters', href: '/admin/rule-parameters', access: allow('admin') },
  { text: 'Users', href: '/admin/users', access: allow('admin') },
  { text: 'API tokens', href: '/admin/api-tokens', access: allow('admin') },
  { text: 'Organisation', href: organisationPath, access: allow('admin', 'bcu_lead', 'force_lead') },
]

/** Every route Kestrel serves is registered here, module by module. */
export function registerRoutes(app: FastifyInstance, services: Services) {
  healthRoutes(app, services.db)
  metricsRoutes(app)
  apiRoutes(app, services.config)
  apiTokenRoutes(app, services.apiTokens)
  homeRoutes(app, services)
  organisationRoutes(app, services)
  loginRoutes(app, services)
  oidcRoutes(app, services)
  adminUserRoutes(app, services)
  importRoutes(app, services.imports)
  childrenRoutes(app, services)
  childrenApiRoutes(app, services)
  standardsRoutes(app, services.standards)
  custodyRoutes(app, services)
  custodyApi(app, services.custody)
  missingRoutes(app, services)
  missingApi(app, services.missing)
  referralsRoutes(app, services)
  referralsApiRoutes(app, services)
  investigationsRoutes(app, services)
  investigationsApi(app, services)
  triageRoutes(app, services)
  triageApi(app, services.triage)
}
