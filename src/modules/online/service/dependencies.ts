import type { AccessLogService, Actor } from '../../../platform/access/access-log.ts'
import type { Clock } from '../../../platform/clock.ts'
import type { Transaction } from '../../../platform/db/database.ts'
import type { FieldError } from '../../../platform/http/errors.ts'

export { inTransaction } from '../../../platform/db/database.ts'

/** Rules run on the records just written, inside the writing transaction (the standards engine's hook). */
export type AfterWrite = (trx: Transaction, kind: string, ids: readonly string[]) => Promise<unknown>

/**
 * What every online use case is given besides its executor. Every read and write goes through the executor
 * the use case was handed, so a use case runs inside a caller's transaction (an import's) as well as alone.
 */
export interface OnlineDeps {
  clock: Clock
  accessLog: AccessLogService
  afterWrite?: AfterWrite | undefined
  /**
   * The devices seized in a case, from the triage module (by the case's ref as their case reference), for a
   * reader who may see the case: their status, whether they were ever submitted or examined, and the latest
   * triage recommendation (never the match details). The triage module logs the read.
   */
  devicesOfCase?: (caseRef: string, actor: Actor, query: string) => Promise<CaseDevice[]>
}

/** A device of a case, as the triage module lists it. */
export interface CaseDevice {
  id: string
  ref: string
  description: string
  device_kind: string
  status: string
  status_at: Date
  decision: string | null
  ever_submitted: boolean
  ever_examined: boolean
}

/** What the set-wise writers need: the importer gives them its clock and runs the rules itself. */
export type WriterDeps = Pick<OnlineDeps, 'clock' | 'afterWrite'>

/** What a set-wise writer answers: every record written, or every line's problems and nothing written. */
export type WriteResult =
  | { written: { ref: string; id: string; created: boolean }[] }
  | { errors: { index: number; errors: FieldError[] }[] }

export const noSuchCase = 'There is no such online case'
