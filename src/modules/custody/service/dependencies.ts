import type { AccessLogService } from '../../../platform/access/access-log.ts'
import { type Reach, reachOf } from '../../../platform/access/need-to-know.ts'
import type { Principal } from '../../../platform/auth/principal.ts'
import type { Clock } from '../../../platform/clock.ts'
import type { Executor, Transaction } from '../../../platform/db/database.ts'

export { inTransaction } from '../../../platform/db/database.ts'

import { type TeamOnDay, teamKinds } from '../../organisation/service/places.ts'
import type { OrganisationService } from '../../organisation/service.ts'
import { custodyReach } from '../access.ts'

/** Rules run on the records just written, inside the writing transaction (the standards engine's hook). */
export type AfterWrite = (trx: Transaction, kind: string, ids: readonly string[]) => Promise<unknown>

/** Who is acting, as the history and the access log record them. */
export interface CustodyActor {
  id: string
  username: string
}

/**
 * What every custody use case is given besides its executor. Each read and write goes through the executor
 * the use case was handed, so a use case runs inside a caller's transaction as well as on its own.
 */
export interface CustodyDeps {
  clock: Clock
  accessLog: AccessLogService
  /** The organisation service on an executor: it reads through the handle it was made with. */
  organisationOn: (executor: Executor) => OrganisationService
  afterWrite?: AfterWrite | undefined
}

export const noSuchDetention = 'There is no such detention'

/**
 * The asker's reach over detentions (access.ts), narrowed when they work in a custody suite. Called before
 * a transaction opens or on the transaction: the suite lookup must not wait on the outer handle.
 */
export async function reachOver(q: Executor, asker: Reach): Promise<Reach> {
  if (asker.forceWide || asker.teamIds.length === 0) return asker
  const kinds = await teamKinds(q, asker.teamIds)
  return custodyReach(
    asker,
    asker.teamIds.filter((t) => kinds.get(t) === 'custody_suite'),
  )
}

export const reachFor = (q: Executor, principal: Principal) => reachOver(q, reachOf(principal))

/** The force's custody suites by id. */
export async function suiteNames(
  organisation: OrganisationService,
): Promise<Map<string, TeamOnDay & { name: string }>> {
  const force = await organisation.force().catch(() => undefined)
  if (!force) return new Map()
  const teams = await organisation.teams(force.id)
  return new Map(
    teams
      .filter((t) => t.kind === 'custody_suite')
      .map((t) => [t.id, { id: t.id, name: t.name, kind: t.kind, boroughId: t.boroughId, bcuId: t.bcuId }]),
  )
}
