import type { Transaction } from '../../../platform/db/database.ts'
import { recordMany } from '../../../platform/db/history.ts'
import type { FieldError } from '../../../platform/http/errors.ts'
import type { LocalDate } from '../../../platform/time.ts'
import type { CaseType } from '../case-types.ts'
import type { AuditInput } from './inputs.ts'
import { placesOf } from './record-places.ts'

/*
 * Writes completed audits with their criteria judgements, as the import, the API and the audit form give
 * them: every audit is checked first, and any problem writes nothing. An audit whose ref is held already is
 * replaced (its judgements with it), so an import can be run again.
 */

/** An audit with the records it names found: the case's id, the borough and team given, the auditor's staff id. */
export interface ResolvedAudit {
  ref?: string | undefined
  /** The case type is known by now: given, or the sampled case's. */
  input: Omit<AuditInput, 'caseType' | 'learning' | 'moderation'> & { caseType: CaseType }
  subjectId: string | null
  boroughId: string | null
  teamId: string | null
  auditorStaffId: string | null
  programmeId?: string | null
  bcuId?: string | null
  moderationDue?: boolean
}

export type AuditWriteResult =
  | { errors: { index: number; errors: FieldError[] }[] }
  | { written: { ref: string; id: string }[] }

function problems(input: ResolvedAudit['input'], today: LocalDate): FieldError[] {
  const errors: FieldError[] = []
  if (input.auditedOn > today) errors.push({ field: 'auditedOn', reason: 'must not be in the future' })
  if (input.referredOn && input.referredOn > today)
    errors.push({ field: 'referredOn', reason: 'must not be in the future' })
  if (input.response && input.response.on > today)
    errors.push({ field: 'response.on', reason: 'must not be in the future' })
  return errors
}

export async function writeAudits(
  trx: Transaction,
  audits: readonly ResolvedAudit[],
  actor: string,
  today: LocalDate,
  now: Date,
): Promise<AuditWriteResult> {
  const failures = audits.flatMap((a, index) => {
    const errors = problems(a.input, today)
    return errors.length ? [{ index, errors }] : []
  })
  if (failures.length) return { errors: failures }

  // The case's own place wins over what a line says: need to know and referral follow the record.
  const places = new Map<string, { boroughId: string | null; teamId: string | null }>()
  for (const kind of new Set(audits.flatMap((a) => (a.input.record ? [a.input.record.kind] : []))))
    for (const [id, place] of await placesOf(
      trx,
      kind,
      audits.flatMap((a) => (a.input.record?.kind === kind && a.subjectId ? [a.subjectId] : [])),
    ))
      places.set(id, place)

  const refs = audits.flatMap((a) => (a.ref ? [a.ref.toUpperCase()] : []))
  const held = new Map(
    refs.length
      ? (await trx.selectFrom('audit').select(['id', 'ref']).where('ref', 'in', refs).execute()).map((r) => [
          r.ref,
          r.id,
        ])
      : [],
  )
  const written: { ref: string; id: string }[] = []
  for (const a of audits) {
    const { input } = a
    const place = a.subjectId ? places.get(a.subjectId) : undefined
    const values = {
      case_type: input.caseType,
      subject_kind: input.record ? input.record.kind : null,
      subject_id: a.subjectId,
      subject_ref: input.record ? input.record.ref : null,
      case_reference: input.caseReference ?? null,
      borough_id: place?.boroughId ?? a.boroughId,
      team_id: place?.teamId ?? a.teamId,
      auditor: input.auditor,
      auditor_staff_id: a.auditorStaffId,
      audited_on: input.auditedOn,
      grade: input.grade,
      grade_reasons: input.gradeReasons ?? null,
      referred_back: input.referredBack,
      referred_on: input.referredBack ? (input.referredOn ?? input.auditedOn) : null,
      action_required: input.actionRequired ?? null,
      response: input.response?.text ?? null,
      responded_on: input.response?.on ?? null,
      programme_id: a.programmeId ?? null,
      bcu_id: a.bcuId ?? null,
      moderation_due: a.moderationDue ?? false,
      recorded_by: actor,
    }
    const heldId = a.ref ? held.get(a.ref.toUpperCase()) : undefined
    const row = heldId
      ? await trx
          .updateTable('audit')
          .set((eb) => ({ ...values, version: eb('version', '+', 1) }))
          .where('id', '=', heldId)
          .returning(['id', 'ref', 'version'])
          .executeTakeFirstOrThrow()
      : await trx
          .insertInto('audit')
          .values({ ...values, ...(a.ref ? { ref: a.ref.toUpperCase() } : {}) })
          .returning(['id', 'ref', 'version'])
          .executeTakeFirstOrThrow()
    await trx.deleteFrom('audit_judgement').where('audit_id', '=', row.id).execute()
    if (input.criteria.length)
      await trx
        .insertInto('audit_judgement')
        .values(
          input.criteria.map((c) => ({
            audit_id: row.id,
            theme: c.theme,
            judgement: c.judgement,
            note: c.note ?? null,
          })),
        )
        .execute()
    await recordMany(trx, [
      {
        table: 'audit',
        id: row.id,
        version: row.version,
        action: heldId ? 'update' : 'create',
        changedBy: actor,
        changedAt: now,
        changes: { ...values, criteria: input.criteria },
      },
    ])
    written.push({ ref: row.ref, id: row.id })
  }
  return { written }
}
