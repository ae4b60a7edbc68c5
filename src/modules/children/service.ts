import type { RawBuilder } from 'kysely'
import type { AccessLogService, Actor } from '../../platform/access/access-log.ts'
import type { Reach } from '../../platform/access/need-to-know.ts'
import type { Clock } from '../../platform/clock.ts'
import type { ChangeNotices } from '../../platform/db/change-notices.ts'
import type { Database, Executor } from '../../platform/db/database.ts'
import type { HistoryService } from '../../platform/db/history.ts'
import type { Editor } from './access.ts'
import type { FlagInput, FlagKind, IsoDate, PersonInput } from './person.ts'
import { addAddress, addressBoroughOn, addresses, addressesOn } from './service/addresses.ts'
import { changePerson } from './service/change-person.ts'
import { createPerson, possibleDuplicates } from './service/create-person.ts'
import { type ChildrenDeps, canEdit, mustMayEdit, todayOf } from './service/dependencies.ts'
import { datesOfBirth, find, findRecord, get } from './service/find-people.ts'
import { addFlag, endFlag, flaggedSinceSql, flags, flagsOn } from './service/flags.ts'
import {
  householdOn,
  otherChildrenInHousehold,
  otherChildrenInHouseholdOn,
} from './service/household-members.ts'
import {
  addMembership,
  endMembership,
  type MembershipInput,
  memberships,
} from './service/household-membership.ts'
import { linkedChildrenOn, linkedChildrenSql, peopleLinkedThroughSql } from './service/linked-children.ts'
import { merge } from './service/merge.ts'
import { ownTimeline } from './service/own-timeline.ts'
import type {
  AddressInput,
  Changer,
  MergeHook,
  NewPerson,
  PersonPatch,
  SearchViewer,
} from './service/records.ts'
import { addRelationship, type RelationshipInput, relationships } from './service/relationships.ts'
import { recordList, type SearchCriteria, type SearchPage, search, searchPage } from './service/search.ts'
import { type TimelineProvider, timelineRegistry } from './timeline.ts'

export { isUuid } from '../../platform/ids.ts'
export { PossibleDuplicateError } from './service/create-person.ts'
export type { ChildLink, LinkedChild, LinkedChildLinkRow } from './service/linked-children.ts'
export {
  type AddressInput,
  type Changer,
  type Membership,
  type MergeEvent,
  type MergeHook,
  type NewPerson,
  type Person,
  type PersonAddress,
  type PersonFlag,
  type PersonPatch,
  type Relationship,
  type SearchViewer,
  toPerson,
} from './service/records.ts'

export interface ChildrenDependencies {
  history: HistoryService
  accessLog: AccessLogService
  /** Told of the people whose record or links a write changed (`person`), in its transaction. */
  changes?: ChangeNotices
}

/**
 * The person index: children and the adults around them, each use case (in `service/`) bound to the
 * database. Other modules point at a person by id and reach them through these functions; they register
 * timeline providers and merge hooks here. Reads take the caller's executor as their last argument; a
 * caller holding a transaction may also call the use cases in `service/` with it directly.
 */
export function childrenService(db: Database, clock: Clock, dependencies: ChildrenDependencies) {
  const { accessLog } = dependencies
  const deps: ChildrenDeps = {
    clock,
    ...dependencies,
    peopleChanged: async (trx, personIds) => {
      await dependencies.changes?.notify(trx, 'person', personIds)
    },
  }
  const today = () => todayOf(clock)
  const timelines = timelineRegistry()
  const mergeHooks: MergeHook[] = []
  timelines.register(async (personId) => ownTimeline(db, personId))

  return {
    /** Other modules add their records to every child's chronology. */
    registerTimelineProvider(provider: TimelineProvider) {
      timelines.register(provider)
    },

    /** Other modules move their records from a merged person to the survivor, in the merge's transaction. */
    onMerge(hook: MergeHook) {
      mergeHooks.push(hook)
    },

    /**
     * A person by id or ref; a merged record resolves to the person it was merged into. Inside a
     * transaction pass it as `q` (as for every read here that takes an executor).
     */
    find: (idOrRef: string, q: Executor = db) => find(q, idOrRef),
    datesOfBirth: (ids: readonly string[]) => datesOfBirth(db, ids),
    findRecord: (id: string, q: Executor = db) => findRecord(q, id),
    get: (idOrRef: string, q: Executor = db) => get(q, idOrRef),
    possibleDuplicates: (input: PersonInput, excludeId?: string, q: Executor = db) =>
      possibleDuplicates(q, input, excludeId),
    create: (input: NewPerson, actor: Actor, options: { confirmedNotDuplicate?: boolean } = {}) =>
      createPerson(db, deps, input, actor, options),
    update: (id: string, version: number, patch: PersonPatch, actor: Changer) =>
      changePerson(db, deps, id, version, patch, actor),
    search: (criteria: SearchCriteria, viewer: SearchViewer, limit = 50) =>
      search(db, accessLog, criteria, viewer, limit),
    /** A page of a search, each person with where they live today, and how many match in all. */
    searchPage: async (criteria: SearchCriteria, viewer: SearchViewer, page: SearchPage) => {
      const found = await searchPage(db, accessLog, criteria, viewer, page)
      const living = await addressesOn(
        db,
        found.people.map((p) => p.id),
        today(),
      )
      return {
        total: found.total,
        people: found.people.map((p) => ({ ...p, livesAt: living.get(p.id) ?? null })),
      }
    },
    recordList: (
      viewer: SearchViewer & { query: string },
      ids: readonly string[],
      options: { action?: string; detail?: Record<string, unknown> } = {},
    ) => recordList(accessLog, viewer, ids, options),

    /** May this principal change this person (their area holds them, or they are the MASH or an admin)? */
    canEdit: (editor: Editor, personId: string, q: Executor = db) => canEdit(q, editor, personId, today()),
    /** As `canEdit`, refusing with 403: the forms that change a person ask before showing or saving. */
    mustEdit: (editor: Editor & Actor, personId: string, q: Executor = db) =>
      mustMayEdit(q, editor, personId, today()),

    addresses: (personId: string, q: Executor = db) => addresses(q, personId),
    flags: (personId: string, q: Executor = db) => flags(q, personId),
    memberships: (personId: string, q: Executor = db) => memberships(q, personId),
    /** The flags a person had on a day (default today). */
    flagsOn: (personId: string, day: IsoDate = today(), q: Executor = db) => flagsOn(q, personId, day),
    /** The borough of the person's address on a day, for area scoping; null when no address is known. */
    boroughOn: (personId: string, day: IsoDate = today(), q: Executor = db) =>
      addressBoroughOn(q, personId, day),

    addAddress: (personId: string, input: AddressInput, actor: Changer) =>
      addAddress(db, deps, personId, input, actor),
    addFlag: (personId: string, input: FlagInput, actor: Changer) =>
      addFlag(db, deps, personId, input, actor),
    endFlag: (flagId: string, version: number, toDate: IsoDate, actor: Changer) =>
      endFlag(db, deps, flagId, version, toDate, actor),
    addMembership: (personId: string, input: MembershipInput, actor: Changer) =>
      addMembership(db, deps, personId, input, actor),
    endMembership: (membershipId: string, version: number, toDate: IsoDate, actor: Changer) =>
      endMembership(db, deps, membershipId, version, toDate, actor),

    householdOn: (personId: string, day: IsoDate = today(), q: Executor = db) =>
      householdOn(q, personId, day),
    otherChildrenInHousehold: (
      personIds: readonly string[],
      day: IsoDate = today(),
      executor: Executor = db,
    ) => otherChildrenInHousehold(executor, personIds, day),
    otherChildrenInHouseholdOn: (
      asked: readonly { personId: string; day: IsoDate }[],
      executor: Executor = db,
    ) => otherChildrenInHouseholdOn(executor, asked),
    linkedChildrenOn: (asked: readonly { personId: string; day: IsoDate }[], executor: Executor = db) =>
      linkedChildrenOn(executor, asked),
    flaggedSinceSql: (flagKinds: readonly FlagKind[], people?: RawBuilder<unknown>) =>
      flaggedSinceSql(flagKinds, people),
    linkedChildrenSql: (asked: RawBuilder<unknown>) => linkedChildrenSql(asked),
    peopleLinkedThroughSql: (people: RawBuilder<{ person_id: string }>) => peopleLinkedThroughSql(people),

    relationships: (personId: string, q: Executor = db) => relationships(q, personId),
    addRelationship: (personId: string, input: RelationshipInput, actor: Changer) =>
      addRelationship(db, deps, personId, input, actor),

    merge: (
      survivorId: string,
      mergedId: string,
      actor: Changer,
      expected?: { survivorVersion: number; mergedVersion: number },
    ) => merge(db, { ...deps, mergeHooks }, survivorId, mergedId, actor, expected),

    /** Everything Kestrel holds about a person, newest first, up to `asOf` when given. */
    timeline: (personId: string, reach: Reach, asOf?: Date) => timelines.collect(personId, reach, asOf),

    /** Every view of a person's record is logged: who, which person, which request. */
    recordView: (actor: Actor, personId: string, requestId: string, reason?: string): Promise<unknown> =>
      accessLog.logRead(actor, 'person', personId, requestId, reason ?? null),

    today,
  }
}

export type ChildrenService = ReturnType<typeof childrenService>
