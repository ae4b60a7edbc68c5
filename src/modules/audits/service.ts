import type { AccessLogService } from '../../platform/access/access-log.ts'
import { reachOf } from '../../platform/access/need-to-know.ts'
import type { Principal } from '../../platform/auth/principal.ts'
import type { Clock } from '../../platform/clock.ts'
import type { Database, Transaction } from '../../platform/db/database.ts'
import { boroughsWithRecords } from '../../platform/http/area-filter.ts'
import type { TimelineItem } from '../children/timeline.ts'
import type { OrganisationService } from '../organisation/service.ts'
import { criteriaFor } from './criteria.ts'
import { type FindingFact, prefill } from './prefill.ts'
import {
  bulletin,
  bulletinInput,
  bulletins,
  markRead,
  publishBulletin,
  unsharedLearning,
} from './service/bulletins.ts'
import { failingCounts } from './service/failings.ts'
import { type FigureFilter, figureOf } from './service/figure.ts'
import {
  addLearning,
  learningInput,
  moderate,
  moderationInput,
  resolutionInput,
  resolveModeration,
  respond,
  responseInput,
} from './service/follow-up.ts'
import { auditList } from './service/list.ts'
import { parsed } from './service/parse.ts'
import { createProgramme, programme, programmeInput, programmes } from './service/programmes.ts'
import { auditOf, type FormAudit, formAudit, recordAudit, sampledCase } from './service/record-audit.ts'

export interface AuditsDeps {
  db: Database
  clock: Clock
  accessLog: AccessLogService
  organisation: Pick<OrganisationService, 'force' | 'bcus'>
  /** Kestrel's findings on a record, from the standards engine. */
  findingsOf: (subjectKind: string, subjectId: string) => Promise<FindingFact[]>
  /** A person's chronology as the reader may see it, from the person index. */
  chronologyOf: (personId: string, reader: Principal) => Promise<TimelineItem[]>
  /** Evaluates the standards of records written, in the writer's transaction. */
  afterWrite: (trx: Transaction, kind: string, ids: readonly string[]) => Promise<unknown>
}

/** Who is reading, and how they asked, for the access log. */
export interface ReadContext {
  query: string
  requestId?: string
}

/** Case file audits: programmes and their samples, recording and grading audits, and Figure 1 for any set. */
export function auditsService(deps: AuditsDeps) {
  const { db, clock, organisation, accessLog } = deps
  const writing = { db, now: () => clock.now(), afterWrite: deps.afterWrite }
  const bcuIds = async () => (await organisation.bcus((await organisation.force()).id)).map((b) => b.id)
  return {
    /** Figure 1 over the audits the reader may see: counts, not records, so nothing is logged as read. */
    figure: (principal: Principal, filter: FigureFilter) => figureOf(db, reachOf(principal), filter),
    /** A programme with its sample drawn and stored (programmes are the DIT's, force-wide). */
    createProgramme: (input: unknown, actor: Pick<Principal, 'username'>) =>
      createProgramme({ db, now: () => clock.now(), bcuIds }, parsed(programmeInput, input), actor.username),
    programmes: () => programmes(db),
    /** Not-met judgements by theme and quarter over the audits the reader may see, in these boroughs (null: all). */
    failings: (reader: Principal, boroughIds: readonly string[] | null) =>
      failingCounts(db, reachOf(reader), boroughIds),
    /** The boroughs with audits, for the failings page's area filter (`areaFilterItems`). */
    boroughsWithAudits: () => boroughsWithRecords(db, 'audit'),
    programme: (key: string) => programme(db, key),

    /**
     * What the auditor starts from for one sampled case: its criteria, Kestrel's findings on it put under
     * their themes, and the chronology of the child it is about. Reading the case is logged.
     */
    async caseForAudit(programmeRef: string, position: number, reader: Principal, context: ReadContext) {
      const { programme: p, sampled } = await sampledCase(db, programmeRef, position)
      const findings = await deps.findingsOf(sampled.subject_kind, sampled.subject_id)
      const chronology = sampled.person_id ? await deps.chronologyOf(sampled.person_id, reader) : []
      await accessLog.record({
        actorId: reader.id,
        actorName: reader.username,
        action: 'read',
        subjectKind: sampled.subject_kind,
        subjectId: sampled.subject_id,
        requestId: context.requestId ?? null,
        detail: { query: context.query, purpose: 'case file audit', programme: p.ref },
      })
      return {
        programme: p,
        sampled,
        criteria: criteriaFor(sampled.caseType),
        findings,
        prefill: prefill(findings),
        chronology,
      }
    },
    recordAudit: (at: { programme: string; position: number }, audit: FormAudit, auditor: Principal) =>
      recordAudit(writing, at, parsed(formAudit, audit), auditor),
    /** A second auditor's grade of an audit they did not make. */
    moderate: (ref: string, input: unknown, moderator: Principal) =>
      moderate(writing, ref, parsed(moderationInput, input), moderator, reachOf(moderator)),
    /** A disagreement between auditor and moderator resolved: the grade agreed and why. */
    resolveModeration: (ref: string, input: unknown, by: Principal) =>
      resolveModeration(writing, ref, parsed(resolutionInput, input), by, reachOf(by)),
    /** The case's owner's response to a referral back. */
    respond: (ref: string, input: unknown, owner: Principal) =>
      respond(writing, ref, parsed(responseInput, input), owner, reachOf(owner)),
    addLearning: (ref: string, input: unknown, by: Principal) =>
      addLearning(writing, ref, parsed(learningInput, input), by, reachOf(by)),
    unsharedLearning: () => unsharedLearning(db),
    publishBulletin: (input: unknown, by: Principal) =>
      publishBulletin(writing, parsed(bulletinInput, input), by),
    bulletins: (reader: Principal) => bulletins(db, reader.id),
    bulletin: (ref: string) => bulletin(db, ref),
    /** A bulletin as its reader opens it: their read receipt is kept. */
    readBulletin: (ref: string, reader: Principal) => markRead(writing, ref, reader),
    /** The audits the reader may see in a period; the list read is logged as one row. */
    async list(
      reader: Principal,
      filter: FigureFilter & { limit?: number | undefined },
      context: ReadContext,
    ) {
      const rows = await auditList(db, reachOf(reader), filter)
      await accessLog.recordList({
        actorId: reader.id,
        actorName: reader.username,
        subjectKind: 'audit',
        query: context.query,
        ids: rows.map((r) => r.id),
        requestId: context.requestId ?? null,
      })
      return rows
    },
    async audit(ref: string, reader: Principal, context: ReadContext) {
      const found = await auditOf(db, reachOf(reader), ref)
      await accessLog.record({
        actorId: reader.id,
        actorName: reader.username,
        action: 'read',
        subjectKind: 'audit',
        subjectId: found.id,
        requestId: context.requestId ?? null,
        detail: { query: context.query },
      })
      return found
    },
  }
}

export type Audits = ReturnType<typeof auditsService>
