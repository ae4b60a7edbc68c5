import { ImportRejected } from '../../platform/import/importer.ts'
import type { Transaction } from '../../platform/import/kinds.ts'
import { defineImportKind } from '../../platform/import/kinds.ts'
import { londonDate } from '../../platform/time.ts'
import { auditKind } from './access.ts'
import type { CaseType } from './case-types.ts'
import { auditedRecordKinds } from './case-types.ts'
import { chosenForModeration } from './moderation.ts'
import { learningKind } from './rules.ts'
import { auditInput } from './service/inputs.ts'
import { writeAudits } from './service/write-audits.ts'
import { writeImportedFollowUp } from './service/write-follow-up.ts'

/** The sampled cases lines name, with their programme's seed and moderation share, by programme id and place. */
async function sampledCases(trx: Transaction, wanted: { programmeId: string; position: number }[]) {
  if (!wanted.length) return new Map()
  const rows = await trx
    .selectFrom('audit_sample as s')
    .innerJoin('audit_programme as p', 'p.id', 's.programme_id')
    .select([
      's.programme_id',
      's.position',
      's.case_type',
      's.subject_kind',
      's.subject_id',
      's.subject_ref',
      's.borough_id',
      's.bcu_id',
      's.team_id',
      'p.seed',
      'p.moderation_percent',
    ])
    .where('s.programme_id', 'in', [...new Set(wanted.map((w) => w.programmeId))])
    .execute()
  return new Map(rows.map((r) => [`${r.programme_id}:${r.position}`, r]))
}

/*
 * `audit`: a completed case file audit, so past audits, an inspection's among them, can be loaded and
 * reported (Figure 1 for any set). The case is a Kestrel record named by its kind and ref (checked to exist
 * like any reference) or a free case reference; the borough and team are names, the auditor's staff number
 * optional. Any bad line rejects the batch, naming its line and field.
 */
export const auditImport = defineImportKind({
  kind: 'audit',
  subjectKind: auditKind.kind,
  schema: auditInput,
  refersTo: [...auditedRecordKinds, 'borough', 'team', 'staff', 'audit-programme', 'audit-bulletin'],
  references: (a) => [
    ...(a.sampled ? [{ field: 'sampled.programme', kind: 'audit-programme', ref: a.sampled.programme }] : []),
    ...a.learning.flatMap((l, i) =>
      l.sharedIn ? [{ field: `learning.${i}.sharedIn`, kind: 'audit-bulletin', ref: l.sharedIn }] : [],
    ),
    ...(a.record ? [{ field: 'record.ref', kind: a.record.kind, ref: a.record.ref }] : []),
    ...(a.borough ? [{ field: 'borough', kind: 'borough', ref: a.borough }] : []),
    ...(a.team ? [{ field: 'team', kind: 'team', ref: a.team }] : []),
    ...(a.auditorStaff ? [{ field: 'auditorStaff', kind: 'staff', ref: a.auditorStaff }] : []),
  ],
  async lookup(trx, refs) {
    const rows = await trx
      .selectFrom('audit')
      .select(['id', 'ref'])
      .where(
        'ref',
        'in',
        refs.map((r) => r.toUpperCase()),
      )
      .execute()
    const byRef = new Map(rows.map((r) => [r.ref, r.id]))
    return new Map(
      refs.flatMap((r) => (byRef.has(r.toUpperCase()) ? [[r, byRef.get(r.toUpperCase()) as string]] : [])),
    )
  },
  async write(all, { trx, clock, actor, idOf }) {
    const now = clock.now()
    // A later line with the same ref wins, as for every kind.
    const lines = [...new Map(all.map((l) => [l.ref.toUpperCase(), l])).values()]
    const sampled = await sampledCases(
      trx,
      lines.flatMap(({ record: a }) =>
        a.sampled
          ? [{ programmeId: idOf('audit-programme', a.sampled.programme), position: a.sampled.position }]
          : [],
      ),
    )
    const rejected: { line: number; field: string; reason: string }[] = []
    const resolved = lines.map(({ ref, record: a, lineNumber }) => {
      if (!a.sampled)
        return {
          ref,
          // The line's check requires a case type when no sampled case gives one.
          input: { ...a, caseType: a.caseType as CaseType },
          subjectId: a.record ? idOf(a.record.kind, a.record.ref) : null,
          boroughId: a.borough ? idOf('borough', a.borough) : null,
          teamId: a.team ? idOf('team', a.team) : null,
          auditorStaffId: a.auditorStaff ? idOf('staff', a.auditorStaff) : null,
        }
      const programmeId = idOf('audit-programme', a.sampled.programme)
      const c = sampled.get(`${programmeId}:${a.sampled.position}`)
      if (!c)
        rejected.push({
          line: lineNumber,
          field: 'sampled.position',
          reason: `is not a place in ${a.sampled.programme}’s sample`,
        })
      else if (a.caseType && a.caseType !== c.case_type)
        rejected.push({ line: lineNumber, field: 'caseType', reason: `the sampled case is ${c.case_type}` })
      return {
        ref,
        input: {
          ...a,
          caseType: (c?.case_type ?? a.caseType) as CaseType,
          record: c ? { kind: c.subject_kind, ref: c.subject_ref } : undefined,
        },
        subjectId: c?.subject_id ?? null,
        boroughId: c?.borough_id ?? null,
        teamId: c?.team_id ?? null,
        auditorStaffId: a.auditorStaff ? idOf('staff', a.auditorStaff) : null,
        programmeId,
        bcuId: c?.bcu_id ?? null,
        // The programme's own choice, or moderated all the same.
        moderationDue: c
          ? chosenForModeration(c.seed, c.subject_id, c.moderation_percent) || !!a.moderation
          : false,
      }
    })
    if (rejected.length) throw new ImportRejected(rejected)
    const result = await writeAudits(trx, resolved, actor, londonDate(now), now)
    if ('errors' in result)
      throw new ImportRejected(
        result.errors.flatMap(({ index, errors }) =>
          errors.map((e) => ({ line: lines[index]?.lineNumber ?? 0, field: e.field, reason: e.reason })),
        ),
      )
    const places = new Map(
      (
        await trx
          .selectFrom('audit')
          .select(['id', 'borough_id', 'bcu_id'])
          .where(
            'id',
            'in',
            result.written.map((w) => w.id),
          )
          .execute()
      ).map((r) => [r.id, r]),
    )
    for (const [i, { record: a, lineNumber }] of lines.entries()) {
      if (!a.moderation && !a.learning.length) continue
      const written = places.get(result.written[i]?.id as string)
      if (!written) continue
      const { errors } = await writeImportedFollowUp(trx, written, a, {
        actor,
        now,
        bulletinId: (ref) => idOf('audit-bulletin', ref),
      })
      rejected.push(...errors.map((e) => ({ line: lineNumber, ...e })))
    }
    if (rejected.length) throw new ImportRejected(rejected)
    const ids = new Map(lines.map((l, i) => [l.ref.toUpperCase(), result.written[i]?.id as string]))
    return new Map(all.map((l) => [l.ref, ids.get(l.ref.toUpperCase()) as string]))
  },
  // An audit's learning points are subjects of AUD-02 of their own.
  async subjectsOf(trx, ids) {
    const points = await trx.selectFrom('audit_learning').select('id').where('audit_id', 'in', ids).execute()
    return points.length ? [{ kind: learningKind, ids: points.map((p) => p.id) }] : []
  },
  describe: {
    summary:
      'A completed case file audit: the case type (one of the nine rows of Figure 1), the case as a Kestrel ' +
      'record (`record`: its kind and ref) or a free `caseReference`, the auditor, the date, the grade ' +
      '(`good`, `requires_improvement`, `inadequate`), a judgement on each theme, and whether it was referred ' +
      'back, with the action asked for and the owner’s response.',
    example: {
      kind: 'audit',
      ref: 'HMICFRS-2018-017',
      caseType: 'section_47',
      caseReference: 'CRIS-3012345/18',
      borough: 'Lambeth',
      auditor: 'HMICFRS inspector',
      auditedOn: '2018-08-07',
      grade: 'inadequate',
      gradeReasons: 'The child was not seen alone and no strategy discussion was held.',
      criteria: [
        { theme: 'child_seen_and_heard', judgement: 'not_met', note: 'Child not spoken to alone' },
        { theme: 'strategy_and_multi_agency', judgement: 'not_met' },
      ],
      referredBack: true,
      referredOn: '2018-08-08',
      actionRequired: 'Hold a strategy discussion and see the child alone.',
      response: { text: 'Strategy discussion held; child seen at school.', on: '2018-08-15' },
    },
  },
})
