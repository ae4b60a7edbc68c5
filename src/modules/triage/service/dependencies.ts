import type { Expression, RawBuilder, SqlBool } from 'kysely'
import type { AccessLogService } from '../../../platform/access/access-log.ts'
import type { Principal } from '../../../platform/auth/principal.ts'
import type { Clock } from '../../../platform/clock.ts'
import type { Executor, Transaction } from '../../../platform/db/database.ts'

export { inTransaction } from '../../../platform/db/database.ts'

import type { HistoryService } from '../../../platform/db/history.ts'

export interface TriageDependencies {
  accessLog: AccessLogService
  history: HistoryService
  /** Re-evaluates the device rules for what was written, in the same transaction. */
  afterWrite: (trx: Transaction, kind: string, ids: readonly string[]) => Promise<unknown>
  /** A person's id by ref (the person index) read on the executor given, for a device's owner given through the API. */
  personIdByRef: (ref: string, q: Executor) => Promise<string | undefined>
}

/**
 * The cases devices are seized in, as the module that keeps them answers for them (the online module's cases,
 * by their ref as the device's case reference). Registered once every service is built.
 */
export interface DeviceCases {
  /** A condition on a case reference: true for the cases within this person's need to know. */
  visibleWhere(
    q: Executor,
    principal: Principal,
  ): Promise<(caseRef: Expression<string | null>) => RawBuilder<SqlBool>>
  /**
   * Who holds a device seized in the case (the team it is allocated to, by name, and the case's borough) with
   * the case's ref as kept, or `unallocated` when no team holds it yet; undefined for no such case.
   */
  holderOf(
    q: Executor,
    caseRef: string,
  ): Promise<{ caseRef: string; team: string; borough: string | null } | 'unallocated' | undefined>
}

/** What the writers need; the import kinds build one from the importer's transaction and clock. */
export type WriterDependencies = Pick<TriageDependencies, 'accessLog' | 'history' | 'afterWrite'>

/**
 * What every triage use case is given besides its executor. Each read and write goes through the executor
 * the use case was handed, so a use case runs inside a caller's transaction as well as on its own.
 */
export interface TriageDeps extends TriageDependencies {
  clock: Clock
  /** The cases devices are seized in, once a module has registered them. */
  cases(): DeviceCases | undefined
}

/** The writers' part of it. */
export type WriterDeps = WriterDependencies & { clock: Clock }
