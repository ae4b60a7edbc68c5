import { type Access, permits } from '../../../platform/access/access.ts'
import type { AccessLogService } from '../../../platform/access/access-log.ts'
import type { Principal } from '../../../platform/auth/principal.ts'
import type { Database } from '../../../platform/db/database.ts'
import type { StandardsService } from '../../../standards/service.ts'
import type { ChildrenService } from '../../children/service.ts'
import type { OrganisationService } from '../../organisation/service.ts'
import type { MissingService } from '../service.ts'

export const missingPath = '/missing'

export interface MissingPageServices {
  missing: MissingService
  standards: StandardsService
  organisation: OrganisationService
  /** The person index: a report starts by finding the child. */
  children: ChildrenService
  clock: { now(): Date }
  db: Database
  /** Where a list downloaded is logged as exported. */
  accessLog: AccessLogService
}

export const can = (principal: Principal, access: Access) => permits(access, principal.roles)

/** The force's boroughs, for the borough selects; none before a force is set up. */
export async function boroughList(organisation: OrganisationService) {
  const force = await organisation.force().catch(() => undefined)
  return force ? organisation.boroughs(force.id) : []
}

export { formOnPage, notShown, type PageOf, type Shown } from '../../../platform/http/form-on-page.ts'
