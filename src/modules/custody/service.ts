import type { AccessLogService } from '../../platform/access/access-log.ts'
import type { Reach } from '../../platform/access/need-to-know.ts'
import type { Principal } from '../../platform/auth/principal.ts'
import type { Clock } from '../../platform/clock.ts'
import type { Database, Executor } from '../../platform/db/database.ts'
import { type OrganisationService, organisationService } from '../organisation/service.ts'
import { type EventInput, type EventKind, eventKindLabels } from './custody.ts'
import { addEvent } from './service/add-event.ts'
import type { AfterWrite, CustodyDeps } from './service/dependencies.ts'
import type { DetentionInput } from './service/inputs.ts'
import { linkPac } from './service/link-pac.ts'
import { listDetentions } from './service/lists.ts'
import { custodyMeasures } from './service/measures.ts'
import { recordDetention, suitesFor } from './service/record-detention.ts'
import { timelineFor } from './service/timeline.ts'
import { viewDetention } from './service/view.ts'

export type { AfterWrite, CustodyActor, CustodyDeps } from './service/dependencies.ts'
export { toEvent } from './service/events.ts'
export {
  type DetentionInput,
  type DetentionSubmission,
  detentionInput,
  type WrittenDetention,
} from './service/inputs.ts'
export type { Detention, DetentionListItem } from './service/records.ts'
export { writeDetentions } from './service/write-detentions.ts'

export interface CustodyDependencies {
  organisation: OrganisationService
  accessLog: AccessLogService
  afterWrite?: AfterWrite
}

/** What the use cases need, for a caller holding a transaction that calls them itself. */
export function custodyDeps(db: Database, clock: Clock, deps: CustodyDependencies): CustodyDeps {
  return {
    clock,
    accessLog: deps.accessLog,
    // Inside a caller's transaction the organisation's reads go through that transaction too.
    organisationOn: (q: Executor) => (q === db ? deps.organisation : organisationService(q, clock)),
    afterWrite: deps.afterWrite,
  }
}

/**
 * The custody module's service: each use case (in `service/`) bound to the database and the module's
 * dependencies. A caller holding a transaction calls the use cases themselves with it.
 */
export function custodyService(db: Database, clock: Clock, deps: CustodyDependencies) {
  const on = custodyDeps(db, clock, deps)

  return {
    /** Custody suites the person may record detentions in: those whose detentions they would see. */
    suitesFor: (principal: Principal) => suitesFor(db, on, principal),

    /** Records a new detention with any events known so far. */
    create: (submission: { detention: DetentionInput; events?: EventInput[] }, principal: Principal) =>
      recordDetention(db, on, submission, principal),

    /** Adds one event to a detention read at `version`; a stale version is a conflict. */
    addEvent: (id: string, version: number, input: EventInput, principal: Principal) =>
      addEvent(db, on, id, version, input, principal),

    /** Links the Merlin PAC that records this detention (CUS-12). */
    linkPac: (id: string, version: number, pacRef: string, principal: Principal) =>
      linkPac(db, on, id, version, pacRef, principal),

    /** One detention with its timeline and clocks, for someone allowed to see it; the read is logged. */
    get: (id: string, principal: Principal, asOf: Date = clock.now()) =>
      viewDetention(db, on, id, principal, asOf),

    /** The custody inspector's view of children in custody, soonest deadline first; the read is logged. */
    list: (
      principal: Principal,
      read: { query: string; requestId?: string | null },
      options: { recentHours?: number; asOf?: Date; limit?: number } = {},
    ) => listDetentions(db, on, principal, read, { ...options, asOf: options.asOf ?? clock.now() }),

    /** Items for a child's chronology (the children module's timeline): the detentions within reach. */
    timelineFor: (personId: string, reach: Reach, asOf?: Date) => timelineFor(db, personId, reach, asOf),

    /** The dashboard's custody measures for detentions with an arrest in [from, until). */
    measures: (options: { from: Date; until: Date; boroughIds?: readonly string[] | null }) =>
      custodyMeasures(db, on, options),

    /** The words for an event's kind. */
    eventLabel: (kind: EventKind) => eventKindLabels[kind],
  }
}

export type CustodyService = ReturnType<typeof custodyService>
