import type { AccessLogService } from '../../../platform/access/access-log.ts'
import type { Reach } from '../../../platform/access/need-to-know.ts'
import type { Clock } from '../../../platform/clock.ts'
import type { Executor, Transaction } from '../../../platform/db/database.ts'

export { inTransaction } from '../../../platform/db/database.ts'

import type { HistoryService } from '../../../platform/db/history.ts'
import { type FieldError, ValidationError } from '../../../platform/http/errors.ts'
import { isUuid } from '../../../platform/ids.ts'
import type { IsoDate } from '../../children/person.ts'
import { find } from '../../children/service/find-people.ts'
import { flagsOn } from '../../children/service/flags.ts'
import { relationships } from '../../children/service/relationships.ts'
import type { ChildrenService } from '../../children/service.ts'
import type { OrganisationService } from '../../organisation/service.ts'
import { episodeKind } from '../access.ts'
import type { Grade } from '../grading.ts'
import type { RepeatThresholdSource } from '../repeat-threshold.ts'
import { boroughKind, teamKind } from '../rules.ts'
import type { EpisodeRow } from './records.ts'

export type AfterWrite = (trx: Transaction, kind: string, ids: readonly string[]) => Promise<unknown>

/** An open case about the child elsewhere in Kestrel (an investigation), for the grading page. */
export interface OpenCase {
  ref: string
  title: string
  href?: string
}
/**
 * Another module tells the grading page about a child's open cases, within the reader's need to know
 * (the investigations module registers one).
 */
export type OpenCasesProvider = (personId: string, reach: Reach) => Promise<OpenCase[]>

export interface Actor {
  id: string
  username: string
}

/**
 * What every missing use case is given besides its executor: the services it calls and the force's
 * settings. Each read and write goes through the executor the use case was handed, so a use case runs
 * inside a caller's transaction as well as on its own.
 */
export interface MissingDeps {
  clock: Clock
  history: HistoryService
  accessLog: AccessLogService
  /** The child index's reads, each on the executor passed to it. */
  children: ChildReads
  /** The organisation service on an executor: it reads through the handle it was made with. */
  organisationOn: (executor: Executor) => OrganisationService
  afterWrite?: AfterWrite | undefined
  /** The force's grade scale, lowest first. */
  scale: readonly Grade[]
  /** MIS-02's repeat threshold as configured, read on the executor the use case runs on. */
  repeatThresholds: RepeatThresholdSource
  /** The other modules' open cases for the grading page, as registered. */
  openCases: readonly OpenCasesProvider[]
}

/** The person index's reads the use cases make; the children service has them, and so does `childReads`. */
export interface ChildReads {
  find(idOrRef: string, q: Executor): ReturnType<ChildrenService['find']>
  flagsOn(personId: string, day: IsoDate, q: Executor): ReturnType<ChildrenService['flagsOn']>
  relationships(personId: string, q: Executor): ReturnType<ChildrenService['relationships']>
}

/** The same reads straight from the person index's executor-taking functions, for an import's transaction. */
export const childReads: ChildReads = {
  find: (idOrRef, q) => find(q, idOrRef),
  flagsOn: (personId, day, q) => flagsOn(q, personId, day),
  relationships: (personId, q) => relationships(q, personId),
}

export const dayMs = 86_400_000

export const noSuchEpisode = 'There is no such missing episode'
export const noSuchPlan = 'There is no such trigger plan'

/** A batch writer's errors, each line's, as one ValidationError for a single record's form. */
export const fail = (result: { errors: { errors: FieldError[] }[] }): never => {
  throw new ValidationError(result.errors.flatMap((e) => e.errors))
}

/** A parse failure as the form's field errors, `whole` naming the record when the issue has no path. */
export function parseErrors(issues: readonly { path: PropertyKey[]; message: string }[], whole: string) {
  return new ValidationError(issues.map((i) => ({ field: i.path.join('.') || whole, reason: i.message })))
}

export async function episodeRow(q: Executor, id: string, lock = false) {
  if (!isUuid(id)) return undefined
  let query = q.selectFrom('missing_episode').selectAll().where('id', '=', id)
  if (lock) query = query.forUpdate()
  return query.executeTakeFirst()
}

/** A change made through a page, in the access log on the change's transaction. */
export function logChange(
  trx: Transaction,
  deps: Pick<MissingDeps, 'accessLog'>,
  principal: Actor,
  action: string,
  subjectKind: string,
  subjectId: string,
  detail?: Record<string, unknown>,
) {
  return deps.accessLog.record(
    {
      actorId: principal.id,
      actorName: principal.username,
      action,
      subjectKind,
      subjectId,
      detail: detail ?? null,
    },
    trx,
  )
}

/**
 * Re-evaluates the episode's rules, and its borough's (MIS-10) and unit's (MIS-11). A change passes the
 * episode as it was too, so the borough or unit it left is judged again (MIS-11 waits for no sweep).
 */
export async function evaluate(
  trx: Transaction,
  deps: Pick<MissingDeps, 'afterWrite'>,
  episodes: readonly Pick<EpisodeRow, 'id' | 'borough_id' | 'unit_team_id'>[],
) {
  if (!deps.afterWrite || episodes.length === 0) return
  await deps.afterWrite(trx, episodeKind.kind, [...new Set(episodes.map((e) => e.id))])
  await deps.afterWrite(trx, boroughKind, [...new Set(episodes.map((e) => e.borough_id))])
  const units = [...new Set(episodes.map((e) => e.unit_team_id).filter((u): u is string => Boolean(u)))]
  if (units.length) await deps.afterWrite(trx, teamKind, units)
}
