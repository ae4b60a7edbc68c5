import { z } from 'zod'
import type { Principal } from '../../../platform/auth/principal.ts'
import type { Database, Executor, Transaction } from '../../../platform/db/database.ts'
import { inTransaction } from '../../../platform/db/database.ts'
import { recordMany } from '../../../platform/db/history.ts'
import { NotFoundError, ValidationError } from '../../../platform/http/errors.ts'
import { isUuid } from '../../../platform/ids.ts'
import { learningKind } from '../rules.ts'

/*
 * Force-wide bulletins of audit learning, so what one area's audit found is known everywhere (the report:
 * only 19 percent of staff knew of the DIT). A bulletin is published with its learning points; each reader's
 * receipt is kept, so the DIT sees who has read it.
 */

export const bulletinInput = z
  .object({
    title: z.string().trim().min(1, 'enter a title').max(200, 'must be at most 200 characters'),
    learning: z
      .array(z.string().refine(isUuid, 'must be the id of a learning point'))
      .min(1, 'choose at least one learning point'),
  })
  .strict()

/** Learning not yet in any bulletin: shared only with the area it came from. */
export function unsharedLearning(q: Executor) {
  return q
    .selectFrom('audit_learning as l')
    .leftJoin('audit as a', 'a.id', 'l.audit_id')
    .select(['l.id', 'l.ref', 'l.theme', 'l.text', 'l.recorded_at', 'l.borough_id', 'a.ref as audit_ref'])
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('audit_bulletin_item as i')
            .select('i.learning_id')
            .whereRef('i.learning_id', '=', 'l.id'),
        ),
      ),
    )
    .orderBy('l.recorded_at')
    .execute()
}

export async function publishBulletin(
  deps: {
    db: Database
    now: () => Date
    afterWrite: (trx: Transaction, kind: string, ids: readonly string[]) => Promise<unknown>
  },
  input: z.output<typeof bulletinInput>,
  by: Principal,
) {
  const now = deps.now()
  return inTransaction(deps.db, async (trx) => {
    const ids = [...new Set(input.learning)]
    const found = await trx.selectFrom('audit_learning').select('id').where('id', 'in', ids).execute()
    if (found.length !== ids.length)
      throw new ValidationError([{ field: 'learning', reason: 'choose learning points that exist' }])
    const bulletin = await trx
      .insertInto('audit_bulletin')
      .values({ title: input.title, published_at: now, published_by: by.username })
      .returning(['id', 'ref'])
      .executeTakeFirstOrThrow()
    await trx
      .insertInto('audit_bulletin_item')
      .values(ids.map((learning_id) => ({ bulletin_id: bulletin.id, learning_id })))
      .execute()
    await recordMany(trx, [
      {
        table: 'audit_bulletin',
        id: bulletin.id,
        version: 1,
        action: 'create',
        changedBy: by.username,
        changedAt: now,
        changes: { title: input.title, learning: ids },
      },
    ])
    await deps.afterWrite(trx, learningKind, ids)
    return bulletin
  })
}

/** Every bulletin, newest first, with how many have read it and whether this reader has. */
export function bulletins(q: Executor, userId: string) {
  return q
    .selectFrom('audit_bulletin as b')
    .select((eb) => [
      'b.id',
      'b.ref',
      'b.title',
      'b.published_at',
      eb
        .selectFrom('audit_bulletin_read as r')
        .select((r) => r.fn.countAll<string>().as('n'))
        .whereRef('r.bulletin_id', '=', 'b.id')
        .as('reads'),
      eb
        .exists(
          eb
            .selectFrom('audit_bulletin_read as r')
            .select('r.user_id')
            .whereRef('r.bulletin_id', '=', 'b.id')
            .where('r.user_id', '=', isUuid(userId) ? userId : '00000000-0000-0000-0000-000000000000'),
        )
        .as('read'),
    ])
    .orderBy('b.published_at', 'desc')
    .execute()
}

export async function bulletin(q: Executor, ref: string) {
  const found = await q
    .selectFrom('audit_bulletin')
    .selectAll()
    .where('ref', '=', ref.toUpperCase())
    .executeTakeFirst()
  if (!found) throw new NotFoundError('There is no such bulletin')
  const items = await q
    .selectFrom('audit_bulletin_item as i')
    .innerJoin('audit_learning as l', 'l.id', 'i.learning_id')
    .select(['l.ref', 'l.theme', 'l.text'])
    .where('i.bulletin_id', '=', found.id)
    .orderBy('l.theme')
    .orderBy('l.ref')
    .execute()
  const receipts = await q
    .selectFrom('audit_bulletin_read')
    .select(['reader_name', 'staff_id', 'read_at'])
    .where('bulletin_id', '=', found.id)
    .orderBy('read_at')
    .execute()
  return { ...found, items, receipts }
}

/** A reader's receipt: kept once, at their first reading. */
export async function markRead(deps: { db: Database; now: () => Date }, ref: string, reader: Principal) {
  const found = await bulletin(deps.db, ref)
  if (reader.kind === 'token' || !isUuid(reader.id)) return found
  await deps.db
    .insertInto('audit_bulletin_read')
    .values({
      bulletin_id: found.id,
      user_id: reader.id,
      staff_id: reader.staffId,
      reader_name: reader.displayName,
      read_at: deps.now(),
    })
    .onConflict((oc) => oc.columns(['bulletin_id', 'user_id']).doNothing())
    .execute()
  return bulletin(deps.db, ref)
}
