import type { AccessLogService } from '../../../platform/access/access-log.ts'
import type { Clock } from '../../../platform/clock.ts'
import type { Executor } from '../../../platform/db/database.ts'

export { inTransaction } from '../../../platform/db/database.ts'

import type { HistoryService } from '../../../platform/db/history.ts'
import { type FieldError, ValidationError } from '../../../platform/http/errors.ts'
import type { StandardsService } from '../../../standards/service.ts'
import type { OrganisationService } from '../../organisation/service.ts'

/** Who is acting, as the history and access log record them. */
export interface InvestigationActor {
  id: string
  username: string
  displayName: string
  staffId: string | null
}

/** What the investigations module needs of the person index: a person by id or ref, with age, on an executor. */
export interface InvestigationPeople {
  find(
    idOrRef: string,
    q: Executor,
  ): Promise<{ id: string; ref: string; name: string; dateOfBirth: string | null } | undefined>
}

/**
 * What every investigations use case is given besides its executor. Each read and write goes through the
 * executor the use case was handed, so a use case runs inside a caller's transaction as well as on its own.
 */
export interface InvestigationDeps {
  clock: Clock
  history: HistoryService
  accessLog: AccessLogService
  /** The rules re-evaluated in the writing transaction: the case's, and those reading cases (`judgeCases`). */
  standards: Pick<StandardsService, 'afterWrite' | 'afterChange'>
  /** The organisation service on an executor: it reads through the handle it was made with. */
  organisationOn: (q: Executor) => OrganisationService
  people: InvestigationPeople
}

/** Stands in for an id that is not a UUID, so the query finds nothing rather than failing on the cast. */
export const noId = '00000000-0000-0000-0000-000000000000'

export function fail(errors: FieldError[]): never {
  throw new ValidationError(errors)
}
