import { ImportRejected } from '../../platform/import/importer.ts'
import { defineImportKind } from '../../platform/import/kinds.ts'
import { londonDate } from '../../platform/time.ts'
import { auditKind } from './access.ts'
import { auditedRecordKinds } from './case-types.ts'
import { auditInput } from './service/inputs.ts'
import { writeAudits } from './service/write-audits.ts'

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
  refersTo: [...auditedRecordKinds, 'borough', 'team', 'staff'],
  references: (a) => [
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
    const result = await writeAudits(
      trx,
      lines.map(({ ref, record: a }) => ({
        ref,
        input: a,
        subjectId: a.record ? idOf(a.record.kind, a.record.ref) : null,
        boroughId: a.borough ? idOf('borough', a.borough) : null,
        teamId: a.team ? idOf('team', a.team) : null,
        auditorStaffId: a.auditorStaff ? idOf('staff', a.auditorStaff) : null,
      })),
      actor,
      londonDate(now),
      now,
    )
    if ('errors' in result)
      throw new ImportRejected(
        result.errors.flatMap(({ index, errors }) =>
          errors.map((e) => ({ line: lines[index]?.lineNumber ?? 0, field: e.field, reason: e.reason })),
        ),
      )
    const ids = new Map(lines.map((l, i) => [l.ref.toUpperCase(), result.written[i]?.id as string]))
    return new Map(all.map((l) => [l.ref, ids.get(l.ref.toUpperCase()) as string]))
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
