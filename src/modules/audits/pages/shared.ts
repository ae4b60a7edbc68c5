import type { Clock } from '../../../platform/clock.ts'
import type { OrganisationService } from '../../organisation/service.ts'
import type { Audits } from '../service.ts'

export const auditsPath = '/audits'

export interface AuditPageDeps {
  clock: Clock
  audits: Audits
  organisation: OrganisationService
}
