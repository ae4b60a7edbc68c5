import type { Transaction } from '../../../platform/db/database.ts'
import { recordMany } from '../../../platform/db/history.ts'
import type { FieldError } from '../../../platform/http/errors.ts'
import { instantOfDay, londonDate } from '../../../platform/time.ts'
import type { AuditInput } from './inputs.ts'

/*
 * What followed an imported audit, as its line gives it: the moderation (both grades, and the resolution of
 * a disagreement) and the learning points with the bulletin each was shared in. A point is one a theme: an
 * audit imported again updates its points by theme (and adds new ones), so findings on them keep their
 * subject; it does not remove points its line no longer gives.
 */

export interface FollowUpContext {
  actor: string
  now: Date
  /** The id of a bulletin the line names; checked to exist before the write. */
  bulletinId: (ref: string) => string
}

/** Writes an audit's moderation and learning; the problems found, by field, when a point was shared before it was made. */
export async function writeImportedFollowUp(
  trx: Transaction,
  audit: { id: string; borough_id: string | null; bcu_id: string | null },
  input: Pick<AuditInput, 'moderation' | 'learning' | 'grade'>,
  context: FollowUpContext,
): Promise<{ learningIds: string[]; errors: FieldError[] }> {
  const { actor, now } = context
  const m = input.moderation
  if (m) {
    await trx.deleteFrom('audit_moderation').where('audit_id', '=', audit.id).execute()
    const values = {
      audit_id: audit.id,
      moderator: m.moderator,
      moderated_on: m.on,
      auditor_grade: m.auditorGrade ?? input.grade,
      moderator_grade: m.grade,
      note: m.note ?? null,
      resolved_grade: m.resolution?.grade ?? null,
      resolution: m.resolution?.reasons ?? null,
      resolved_by: m.resolution ? (m.resolution.by ?? m.moderator) : null,
      resolved_on: m.resolution?.on ?? null,
    }
    await trx.insertInto('audit_moderation').values(values).execute()
    await recordMany(trx, [
      {
        table: 'audit_moderation',
        id: audit.id,
        version: 1,
        action: 'create',
        changedBy: actor,
        changedAt: now,
        changes: values,
      },
    ])
  }

  const errors: FieldError[] = []
  const learningIds: string[] = []
  const held = new Map(
    (
      await trx
        .selectFrom('audit_learning')
        .select(['id', 'theme'])
        .where('audit_id', '=', audit.id)
        .execute()
    ).map((l) => [l.theme, l.id]),
  )
  for (const [i, point] of input.learning.entries()) {
    // A point dated ahead would be owed (AUD-02) by the clock alone, which the steady sweep does not read.
    if (point.recordedOn > londonDate(now)) {
      errors.push({ field: `learning.${i}.recordedOn`, reason: 'must not be in the future' })
      continue
    }
    const recordedAt = instantOfDay(point.recordedOn, now)
    const bulletinId = point.sharedIn ? context.bulletinId(point.sharedIn) : null
    if (bulletinId) {
      const bulletin = await trx
        .selectFrom('audit_bulletin')
        .select('published_at')
        .where('id', '=', bulletinId)
        .executeTakeFirstOrThrow()
      if (new Date(bulletin.published_at).getTime() < recordedAt.getTime()) {
        errors.push({
          field: `learning.${i}.sharedIn`,
          reason: 'was published before the learning point was recorded',
        })
        continue
      }
    }
    const values = {
      theme: point.theme,
      text: point.text,
      borough_id: audit.borough_id,
      bcu_id: audit.bcu_id,
      recorded_at: recordedAt,
      recorded_by: actor,
    }
    const heldId = held.get(point.theme)
    const row = heldId
      ? await trx
          .updateTable('audit_learning')
          .set((eb) => ({ ...values, version: eb('version', '+', 1) }))
          .where('id', '=', heldId)
          .returning(['id', 'version'])
          .executeTakeFirstOrThrow()
      : await trx
          .insertInto('audit_learning')
          .values({ ...values, audit_id: audit.id })
          .returning(['id', 'version'])
          .executeTakeFirstOrThrow()
    if (bulletinId)
      await trx
        .insertInto('audit_bulletin_item')
        .values({ bulletin_id: bulletinId, learning_id: row.id })
        .onConflict((oc) => oc.columns(['bulletin_id', 'learning_id']).doNothing())
        .execute()
    await recordMany(trx, [
      {
        table: 'audit_learning',
        id: row.id,
        version: row.version,
        action: heldId ? 'update' : 'create',
        changedBy: actor,
        changedAt: now,
        changes: { ...values, sharedIn: point.sharedIn ?? null },
      },
    ])
    learningIds.push(row.id)
  }
  return { learningIds, errors }
}
