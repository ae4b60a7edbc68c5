import { z } from 'zod'
import type { Reach } from '../../../platform/access/need-to-know.ts'
import type { Principal } from '../../../platform/auth/principal.ts'
import type { Database, Executor, Transaction } from '../../../platform/db/database.ts'
import { inTransaction } from '../../../platform/db/database.ts'
import { ConflictError, NotFoundError, ValidationError } from '../../../platform/http/errors.ts'
import { isUuid } from '../../../platform/ids.ts'
import { londonDate } from '../../../platform/time.ts'
import { auditKind } from '../access.ts'
import type { CaseType } from '../case-types.ts'
import { grades, judgements, themes } from '../criteria.ts'
import { chosenForModeration } from '../moderation.ts'
import { programme } from './programmes.ts'
import { writeAudits } from './write-audits.ts'

/*
 * An audit of a sampled case, as the audit form gives it: a judgement and a note a theme, the grade with its
 * reasons, and whether it is referred back with the action asked. The force's own audits are stricter than an
 * import of past ones: an audit graded inadequate is always referred back, and a referral names its action.
 */

export const formAudit = z.object({
  criteria: z.array(
    z.object({ theme: z.enum(themes), judgement: z.enum(judgements), note: z.string().max(5000).nullable() }),
  ),
  grade: z.enum(grades),
  gradeReasons: z.string().trim().min(1).max(5000),
  referredBack: z.boolean(),
  actionRequired: z.string().trim().max(5000).nullable(),
})
export type FormAudit = z.output<typeof formAudit>

export async function sampledCase(q: Executor, programmeRef: string, position: number) {
  const found = await programme(q, programmeRef)
  const sampled = found.sample.find((s) => s.position === position)
  if (!sampled) throw new NotFoundError('There is no such case in this programme')
  return { programme: found, sampled: { ...sampled, caseType: sampled.case_type as CaseType } }
}

export interface RecordDeps {
  db: Database
  now: () => Date
  /** Evaluates the rules of records written, in the same transaction. */
  afterWrite: (trx: Transaction, kind: string, ids: readonly string[]) => Promise<unknown>
}

export async function recordAudit(
  deps: RecordDeps,
  at: { programme: string; position: number },
  audit: FormAudit,
  auditor: Principal,
) {
  const errors = []
  if (audit.grade === 'inadequate' && !audit.referredBack)
    errors.push({
      field: 'referredBack',
      reason: 'An audit graded inadequate must be referred back to the case’s owner',
    })
  if (audit.referredBack && !audit.actionRequired)
    errors.push({ field: 'actionRequired', reason: 'Enter the action the case’s owner must take' })
  if (!audit.referredBack && audit.actionRequired)
    errors.push({ field: 'actionRequired', reason: 'Refer the case back to ask its owner for an action' })
  if (errors.length) throw new ValidationError(errors)
  const now = deps.now()
  return inTransaction(deps.db, async (trx) => {
    const { programme: p, sampled } = await sampledCase(trx, at.programme, at.position)
    if (sampled.audit_ref) throw new ConflictError(`This case was audited already (${sampled.audit_ref})`)
    const result = await writeAudits(
      trx,
      [
        {
          input: {
            caseType: sampled.caseType,
            record: { kind: sampled.subject_kind, ref: sampled.subject_ref },
            auditor: auditor.displayName,
            auditedOn: londonDate(now),
            grade: audit.grade,
            gradeReasons: audit.gradeReasons,
            criteria: audit.criteria.map((c) => ({ ...c, note: c.note ?? undefined })),
            referredBack: audit.referredBack,
            actionRequired: audit.actionRequired ?? undefined,
          },
          subjectId: sampled.subject_id,
          boroughId: sampled.borough_id,
          teamId: sampled.team_id,
          auditorStaffId: auditor.staffId,
          programmeId: p.id,
          bcuId: sampled.bcu_id,
          moderationDue: chosenForModeration(p.seed, sampled.subject_id, p.moderation_percent),
        },
      ],
      auditor.username,
      londonDate(now),
      now,
    )
    if ('errors' in result) throw new ValidationError(result.errors.flatMap((e) => e.errors))
    const written = result.written[0] as { ref: string; id: string }
    await deps.afterWrite(trx, auditKind.kind, [written.id])
    return written
  })
}

/** One audit with its judgements, if the reader may see it (else, as if it did not exist). */
export async function auditOf(q: Executor, reach: Reach, ref: string) {
  const audit = await q
    .selectFrom('audit')
    .leftJoin('audit_programme as p', 'p.id', 'audit.programme_id')
    .selectAll('audit')
    .select(['p.ref as programme_ref', 'p.name as programme_name'])
    .where(isUuid(ref) ? 'audit.id' : 'audit.ref', '=', isUuid(ref) ? ref : ref.toUpperCase())
    .executeTakeFirst()
  auditKind.mustSee(reach, audit, 'There is no such audit')
  const moderation = await q
    .selectFrom('audit_moderation')
    .selectAll()
    .where('audit_id', '=', audit.id)
    .executeTakeFirst()
  const criteria = await q
    .selectFrom('audit_judgement')
    .selectAll()
    .where('audit_id', '=', audit.id)
    .execute()
  return { ...audit, caseType: audit.case_type as CaseType, criteria, moderation: moderation ?? null }
}
