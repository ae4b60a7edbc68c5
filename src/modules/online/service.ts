import type { Principal } from '../../platform/auth/principal.ts'
import type { Database } from '../../platform/db/database.ts'
import type { OnlineDeps } from './service/dependencies.ts'
import type {
  CaseInput,
  ChildInput,
  KiratInput,
  SafeguardingInput,
  StageChangeInput,
} from './service/inputs.ts'
import { changeStage, identifyChild, recordCase, recordKirat, recordSafeguarding } from './service/keep.ts'
import { type QueueFilter, queue } from './service/queue.ts'
import { viewCase } from './service/view.ts'

/**
 * The online module's service: each use case (in `service/`) bound to the database and the module's
 * dependencies. A caller holding a transaction (the importer) calls the writers themselves with it.
 */
export function onlineService(db: Database, deps: OnlineDeps) {
  return {
    /** Records a new case as received (the specialist team). */
    recordCase: (input: CaseInput, principal: Principal) => recordCase(db, deps, input, principal),
    /** Moves a case on a stage, recorded with who and when. */
    changeStage: (input: StageChangeInput, principal: Principal) => changeStage(db, deps, input, principal),
    recordKirat: (input: KiratInput, principal: Principal) => recordKirat(db, deps, input, principal),
    identifyChild: (input: ChildInput, principal: Principal) => identifyChild(db, deps, input, principal),
    recordSafeguarding: (input: SafeguardingInput, principal: Principal) =>
      recordSafeguarding(db, deps, input, principal),
    /** One case with its timeline, for someone whose need to know reaches it; the read is logged. */
    view: (key: string, principal: Principal, requestId?: string | null) =>
      viewCase(db, deps, key, principal, requestId),
    /** The open cases by stage, as they stood at a date; the read is logged. */
    queue: (principal: Principal, filter: QueueFilter, read: { query: string; requestId?: string | null }) =>
      queue(db, deps, principal, filter, read),
  }
}

export type OnlineService = ReturnType<typeof onlineService>
