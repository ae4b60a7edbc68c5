import { z } from 'zod'
import type { Reach } from '../../../platform/access/need-to-know.ts'
import type { Principal } from '../../../platform/auth/principal.ts'
import type { Database, Transaction } from '../../../platform/db/database.ts'
import { inTransaction } from '../../../platform/db/database.ts'
import { recordMany } from '../../../platform/db/history.ts'
import { ConflictError, NotFoundError, ValidationError } from '../../../platform/http/errors.ts'
import { londonDate } from '../../../platform/time.ts'
import { isoDay } from '../../../platform/time-schemas.ts'
import { auditKind } from '../access.ts'
import { grades, themes } from '../criteria.ts'
import { learningKind } from '../rules.ts'

/*
 * What follows an audit: moderation by a second auditor (a disagreement recorded, then resolved with its
 * reasons, the resolved grade becoming the audit's), the owner's response to a referral back, and learning
 * points tagged by theme. Each checks everything before it writes, and writes its history.
 */

const note = (max = 5000) => z.string().trim().max(max, `must be at most ${max} characters`)

export const moderationInput = z
  .object({
    grade: z.enum(grades, { message: `must be one of ${grades.join(', ')}` }),
    note: note().nullish(),
  })
  .strict()
export const resolutionInput = z
  .object({
    grade: z.enum(grades, { message: `must be one of ${grades.join(', ')}` }),
    resolution: note().min(1, 'give the reasons for the grade agreed'),
  })
  .strict()
export const responseInput = z
  .object({
    response: note().min(1, 'enter what was done'),
    respondedOn: isoDay('must be a date like 2018-08-15'),
  })
  .strict()
export const learningInput = z
  .object({
    theme: z.enum(themes, { message: `must be one of ${themes.join(', ')}` }),
    text: note().min(1, 'enter the learning point'),
  })
  .strict()

export interface FollowUpDeps {
  db: Database
  now: () => Date
  afterWrite: (trx: Transaction, kind: string, ids: readonly string[]) => Promise<unknown>
}

async function auditForUpdate(trx: Transaction, ref: string, reach: Reach) {
  const audit = await trx
    .selectFrom('audit')
    .selectAll()
    .where('ref', '=', ref.toUpperCase())
    .forUpdate()
    .executeTakeFirst()
  auditKind.mustSee(reach, audit, 'There is no such audit')
  return audit
}

async function bumpAudit(
  trx: Transaction,
  id: string,
  set: { grade?: string; response?: string; responded_on?: string },
  actor: string,
  now: Date,
) {
  const row = await trx
    .updateTable('audit')
    .set((eb) => ({ ...set, version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .returning('version')
    .executeTakeFirstOrThrow()
  await recordMany(trx, [
    {
      table: 'audit',
      id,
      version: row.version,
      action: 'update',
      changedBy: actor,
      changedAt: now,
      changes: set,
    },
  ])
}

/** A second auditor's grade: never the auditor's own audit; once an audit. */
export function moderate(
  deps: FollowUpDeps,
  ref: string,
  input: z.output<typeof moderationInput>,
  moderator: Principal,
  reach: Reach,
) {
  const now = deps.now()
  return inTransaction(deps.db, async (trx) => {
    const audit = await auditForUpdate(trx, ref, reach)
    if (audit.recorded_by === moderator.username)
      throw new ValidationError([
        { field: 'grade', reason: 'A second auditor moderates an audit: this one is yours' },
      ])
    const held = await trx
      .selectFrom('audit_moderation')
      .select('audit_id')
      .where('audit_id', '=', audit.id)
      .executeTakeFirst()
    if (held) throw new ConflictError('This audit has been moderated already')
    await trx
      .insertInto('audit_moderation')
      .values({
        audit_id: audit.id,
        moderator: moderator.displayName,
        moderator_staff_id: moderator.staffId,
        moderated_on: londonDate(now),
        auditor_grade: audit.grade,
        moderator_grade: input.grade,
        note: input.note || null,
      })
      .execute()
    await recordMany(trx, [
      {
        table: 'audit_moderation',
        id: audit.id,
        version: 1,
        action: 'create',
        changedBy: moderator.username,
        changedAt: now,
        changes: { auditorGrade: audit.grade, moderatorGrade: input.grade, note: input.note ?? null },
      },
    ])
    return { agreed: audit.grade === input.grade }
  })
}

/** A disagreement resolved: the grade agreed, with its reasons, becomes the audit's grade. */
export function resolveModeration(
  deps: FollowUpDeps,
  ref: string,
  input: z.output<typeof resolutionInput>,
  by: Principal,
  reach: Reach,
) {
  const now = deps.now()
  return inTransaction(deps.db, async (trx) => {
    const audit = await auditForUpdate(trx, ref, reach)
    const moderation = await trx
      .selectFrom('audit_moderation')
      .selectAll()
      .where('audit_id', '=', audit.id)
      .executeTakeFirst()
    if (!moderation) throw new NotFoundError('This audit has not been moderated')
    if (moderation.auditor_grade === moderation.moderator_grade)
      throw new ConflictError('The auditor and the moderator agreed: there is nothing to resolve')
    if (moderation.resolved_on) throw new ConflictError('This disagreement has been resolved already')
    const row = await trx
      .updateTable('audit_moderation')
      .set((eb) => ({
        resolved_grade: input.grade,
        resolution: input.resolution,
        resolved_by: by.displayName,
        resolved_on: londonDate(now),
        version: eb('version', '+', 1),
      }))
      .where('audit_id', '=', audit.id)
      .returning('version')
      .executeTakeFirstOrThrow()
    await recordMany(trx, [
      {
        table: 'audit_moderation',
        id: audit.id,
        version: row.version,
        action: 'update',
        changedBy: by.username,
        changedAt: now,
        changes: { resolvedGrade: input.grade, resolution: input.resolution },
      },
    ])
    if (input.grade !== audit.grade) {
      await bumpAudit(trx, audit.id, { grade: input.grade }, by.username, now)
      await deps.afterWrite(trx, auditKind.kind, [audit.id])
    }
  })
}

/** The owner's response to a referral back: not before the referral, not in the future, once. */
export function respond(
  deps: FollowUpDeps,
  ref: string,
  input: z.output<typeof responseInput>,
  owner: Principal,
  reach: Reach,
) {
  const now = deps.now()
  return inTransaction(deps.db, async (trx) => {
    const audit = await auditForUpdate(trx, ref, reach)
    if (!audit.referred_back || !audit.referred_on)
      throw new ConflictError('This audit was not referred back')
    if (audit.response) throw new ConflictError('The owner has responded already')
    if (input.respondedOn < audit.referred_on)
      throw new ValidationError([
        {
          field: 'respondedOn',
          reason: `must not be before the case was referred back (${audit.referred_on})`,
        },
      ])
    if (input.respondedOn > londonDate(now))
      throw new ValidationError([{ field: 'respondedOn', reason: 'must not be in the future' }])
    await bumpAudit(
      trx,
      audit.id,
      { response: input.response, responded_on: input.respondedOn },
      owner.username,
      now,
    )
    await deps.afterWrite(trx, auditKind.kind, [audit.id])
  })
}

/** A learning point from an audit, tagged by theme; it lies in the audited case's area until a bulletin shares it. */
export function addLearning(
  deps: FollowUpDeps,
  ref: string,
  input: z.output<typeof learningInput>,
  by: Principal,
  reach: Reach,
) {
  const now = deps.now()
  return inTransaction(deps.db, async (trx) => {
    const audit = await auditForUpdate(trx, ref, reach)
    const row = await trx
      .insertInto('audit_learning')
      .values({
        audit_id: audit.id,
        theme: input.theme,
        text: input.text,
        borough_id: audit.borough_id,
        bcu_id: audit.bcu_id,
        recorded_at: now,
        recorded_by: by.username,
      })
      .returning(['id', 'ref'])
      .executeTakeFirstOrThrow()
    await recordMany(trx, [
      {
        table: 'audit_learning',
        id: row.id,
        version: 1,
        action: 'create',
        changedBy: by.username,
        changedAt: now,
        changes: input,
      },
    ])
    await deps.afterWrite(trx, learningKind, [row.id])
    return row
  })
}
