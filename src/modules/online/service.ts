import type { Principal } from '../../platform/auth/principal.ts'
import type { Database } from '../../platform/db/database.ts'
import { ForbiddenError, ValidationError } from '../../platform/http/errors.ts'
import { boroughIdsOfBcu } from '../organisation/service/areas.ts'
import { mayDo, onlineCaseKind, onlineReach } from './access.ts'
import { inTransaction, type OnlineDeps, type WriteResult } from './service/dependencies.ts'
import type {
  CaseInput,
  ChildInput,
  KiratInput,
  SafeguardingInput,
  StageChangeInput,
} from './service/inputs.ts'
import { changeStage, identifyChild, recordCase, recordKirat, recordSafeguarding } from './service/keep.ts'
import { type OutcomeScope, outcomesByTeamKind } from './service/outcomes.ts'
import { type QueueFilter, queue, queueHistory } from './service/queue.ts'
import { viewCase } from './service/view.ts'
import {
  type GradingInput,
  type ScreeningInput,
  type ViewerInput,
  writeGradings,
  writeScreenings,
  writeViewers,
} from './service/welfare.ts'
import { welfareList } from './service/welfare-list.ts'

/**
 * The online module's service: each use case (in `service/`) bound to the database and the module's
 * dependencies. A caller holding a transaction (the importer) calls the writers themselves with it.
 */
export function onlineService(db: Database, deps: OnlineDeps) {
  /** A welfare record written alone, by someone who keeps them. */
  const welfare =
    <I>(
      write: (
        trx: Parameters<typeof writeScreenings>[0],
        d: OnlineDeps,
        s: { input: I }[],
        a: Principal,
      ) => Promise<WriteResult>,
    ) =>
    (input: I, principal: Principal) =>
      inTransaction(db, async (trx) => {
        if (!mayDo('welfare', principal.roles)) throw new ForbiddenError()
        const result = await write(trx, deps, [{ input }], principal)
        if ('errors' in result) throw new ValidationError(result.errors.flatMap((f) => f.errors))
        return result.written[0]
      })
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
    queue: (principal: Principal, filter: QueueFilter, read: Parameters<typeof queue>[4]) =>
      queue(db, deps, principal, filter, read),
    /** Open cases by stage at the start of each month given (the queue's history); the read is logged. */
    queueHistory: (
      principal: Principal,
      months: readonly Date[],
      read: { query: string; requestId?: string | null },
    ) => queueHistory(db, deps, principal, months, read),
    /**
     * The report's table of outcomes by who investigated, over the cases the reader may see, force-wide or
     * of one BCU: the cases in the boroughs it holds today, as need to know reads a case's area.
     */
    outcomes: async (
      principal: Principal,
      scope: Omit<OutcomeScope, 'boroughIds'> & { bcuId: string | null },
    ) =>
      outcomesByTeamKind(
        db,
        {
          from: scope.from,
          until: scope.until,
          boroughIds: scope.bcuId ? await boroughIdsOfBcu(db, scope.bcuId, deps.clock.now()) : null,
        },
        onlineCaseKind.where(await onlineReach(db, principal)),
      ),
    /** Who views or grades indecent images, their screenings and gradings; the read is logged. */
    welfare: (principal: Principal, read: { query: string; requestId?: string | null }) =>
      welfareList(db, deps, principal, read),
    /** Staff who view or grade indecent images, their screenings and gradings (ONL-08). */
    recordViewer: welfare<ViewerInput>(writeViewers),
    recordScreening: welfare<ScreeningInput>(writeScreenings),
    recordGrading: welfare<GradingInput>(writeGradings),
  }
}

export type OnlineService = ReturnType<typeof onlineService>
