import type { Config } from '../../platform/config.ts'
import type { Transaction } from '../../platform/db/database.ts'
import { historyService } from '../../platform/db/history.ts'
import type { FieldError } from '../../platform/http/errors.ts'
import { ImportRejected } from '../../platform/import/importer.ts'
import { defineImportKind, type ImportLine } from '../../platform/import/kinds.ts'
import { organisationService } from '../organisation/service.ts'
import { episodeKind } from './rules.ts'
import { childReads } from './service/dependencies.ts'
import { episodeInput, missingService, reviewInput, triggerPlanInput } from './service.ts'

/**
 * The missing module's writers on the import's own transaction: the same validation and writes as the
 * pages, with no after-write hook (the importer evaluates the rules for the episodes it wrote).
 */
function writerOn(trx: Transaction, now: Date, config: Config | undefined) {
  const clock = { now: () => now }
  const noLog = { record: async () => undefined } as never
  return missingService(trx, clock, {
    history: historyService(trx, clock),
    accessLog: noLog,
    children: childReads,
    organisationOn: (q) => organisationService(q, clock),
    // Imports grade on the force's own scale, as the pages do.
    ...(config ? { gradeScale: config.missingGrades } : {}),
  })
}

function rejected<T>(lines: ImportLine<T>[], errors: { index: number; errors: FieldError[] }[]): never {
  throw new ImportRejected(
    errors.flatMap(({ index, errors: e }) =>
      e.map((x) => ({ line: lines[index]?.lineNumber ?? 0, field: x.field, reason: x.reason })),
    ),
  )
}

/** `trigger-plan`: a child's trigger plan; the child must be under 18 on the start date. */
export const triggerPlanImport = defineImportKind({
  kind: 'trigger-plan',
  table: 'trigger_plan',
  schema: triggerPlanInput,
  refersTo: ['person'],
  references: (r) => [{ field: 'child', kind: 'person', ref: r.child }],
  async lookup(trx, refs) {
    const rows = await trx.selectFrom('trigger_plan').select(['id', 'ref']).where('ref', 'in', refs).execute()
    return new Map(rows.map((r) => [r.ref, r.id]))
  },
  async write(lines, { trx, clock, actor, config }) {
    const result = await writerOn(trx, clock.now(), config).writePlans(
      trx,
      lines.map((l) => ({ ref: l.ref, input: l.record })),
      actor,
      clock.now(),
    )
    if ('errors' in result) rejected(lines, result.errors)
    return new Map(result.written.map((w) => [w.ref, w.id]))
  },
  describe: {
    summary:
      'A trigger plan for a child who goes missing repeatedly: places to search, people to contact, risks, who ' +
      'agreed it, start and review dates, and the end date once it has ended.',
    example: {
      kind: 'trigger-plan',
      ref: 'TP-2018-0001',
      child: 'KP-0000042',
      borough: 'Lambeth',
      placesToSearch: 'Brixton station; friend’s flat on Acre Lane',
      peopleToContact: 'Foster carer; allocated social worker',
      risks: 'Associates with older males; CSE concerns',
      authorName: 'DC Example',
      agreedWith: ['carers', 'social_worker'],
      startDate: '2018-03-01',
      reviewDate: '2018-09-01',
    },
  },
})

/** `missing-episode`: an episode with its grading and, when known, return, interviews and linked PAC. */
export const missingEpisodeImport = defineImportKind({
  kind: 'missing-episode',
  table: 'missing_episode',
  subjectKind: episodeKind,
  schema: episodeInput,
  // `pac` is not a checked reference (a PAC Kestrel does not hold is kept as the other system's), but a
  // PAC in the same batch is written first so the episode links it.
  refersTo: ['person', 'pac'],
  references: (r) => [{ field: 'child', kind: 'person', ref: r.child }],
  async lookup(trx, refs) {
    const rows = await trx
      .selectFrom('missing_episode')
      .select(['id', 'ref'])
      .where('ref', 'in', refs)
      .execute()
    return new Map(rows.map((r) => [r.ref, r.id]))
  },
  async write(lines, { trx, clock, actor, config }) {
    // History as it happened: the grading as made, the PAC as the sending system names it.
    const result = await writerOn(trx, clock.now(), config).writeEpisodes(
      trx,
      lines.map((l) => ({ ref: l.ref, input: l.record })),
      actor,
      clock.now(),
      { asRecorded: true },
    )
    if ('errors' in result) rejected(lines, result.errors)
    return new Map(result.written.map((w) => [w.ref, w.id]))
  },
  describe: {
    summary:
      'A child reported missing: report, last seen, the risk grade on the force’s scale with the APP risk factors ' +
      'answered, the review time, and (when known) the return, the prevention interview, the local authority’s ' +
      'return home interview and the linked Merlin PAC (one Kestrel holds, or another system’s reference kept as ' +
      'such). The grading is recorded as it was made: MIS-01 judges it.',
    example: {
      kind: 'missing-episode',
      ref: 'MIS-2018-000123',
      child: 'KP-0000042',
      borough: 'Lambeth',
      reportedAt: '2018-08-01T20:00:00Z',
      reportedByKind: 'childrens_home',
      lastSeenAt: '2018-08-01T17:30:00Z',
      lastSeenPlace: 'Children’s home, Brixton',
      circumstances: 'Did not return after school',
      grade: 'medium',
      riskFactors: ['looked_after', 'cse_cce_indicators'],
      gradedBy: 'PC Example',
      reviewDueAt: '2018-08-02T00:00:00Z',
      planAcknowledgedAt: '2018-08-01T20:10:00Z',
      returnedAt: '2018-08-02T09:00:00Z',
      foundPlace: 'Croydon',
      foundBy: 'PC Finder',
      foundWith: 'Two older males',
      preventionInterviewAt: '2018-08-03T10:00:00Z',
      preventionInterviewBy: 'PC Safe',
      laNotifiedAt: '2018-08-02T10:00:00Z',
      returnHomeInterviewAt: '2018-08-04T11:00:00Z',
      pac: 'MERLIN-18-004411',
    },
  },
})

/** `missing-review`: a review of an episode's risk (a re-grading with its reason). */
export const missingReviewImport = defineImportKind({
  kind: 'missing-review',
  schema: reviewInput,
  refersTo: ['missing-episode'],
  references: (r) => [{ field: 'episode', kind: 'missing-episode', ref: r.episode }],
  async lookup(trx, refs) {
    const rows = await trx
      .selectFrom('missing_review')
      .select(['id', 'ref'])
      .where('ref', 'in', refs)
      .execute()
    return new Map(rows.map((r) => [r.ref as string, r.id]))
  },
  async write(lines, { trx, clock, actor, idOf, config }) {
    const result = await writerOn(trx, clock.now(), config).writeReviews(
      trx,
      lines.map((l) => ({
        ref: l.ref,
        input: { ...l.record, episode: idOf('missing-episode', l.record.episode) },
      })),
      actor,
      clock.now(),
    )
    if ('errors' in result) rejected(lines, result.errors)
    return new Map(result.written.map((w) => [w.ref, w.id]))
  },
  describe: {
    summary:
      'A review of a missing episode’s risk: when, by whom, the grade after it, why, and the next review time.',
    example: {
      kind: 'missing-review',
      ref: 'MIS-2018-000123-R1',
      episode: 'MIS-2018-000123',
      reviewedAt: '2018-08-01T23:30:00Z',
      reviewerName: 'Insp Example',
      grade: 'high',
      reason: 'Third episode this month; seen with older males',
      nextReviewDueAt: '2018-08-02T05:30:00Z',
    },
  },
})

export const missingImportKinds = [triggerPlanImport, missingEpisodeImport, missingReviewImport]
