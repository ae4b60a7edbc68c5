import type { Clock } from '../../../platform/clock.ts'
import { type Executor, inTransaction } from '../../../platform/db/database.ts'
import type { FieldError } from '../../../platform/http/errors.ts'
import { isUuid } from '../../../platform/ids.ts'
import { isIsoDate } from '../../../platform/time.ts'
import { planReorganisation } from '../organisation.ts'
import { periodsOf } from './areas.ts'
import { fail, type OrganisationChanged, recordChange } from './records.ts'

/**
 * Moves a borough into a BCU from a day: its latest membership ends the day before. The borough row is
 * locked so two moves of one borough are decided one after the other.
 */
export async function reorganise(
  q: Executor,
  clock: Clock,
  move: { boroughId: string; toBcuId: string; effectiveFrom: string },
  changedBy: string,
  changed?: OrganisationChanged,
): Promise<void> {
  const errors: FieldError[] = []
  if (!isUuid(move.boroughId)) errors.push({ field: 'boroughId', reason: 'Select a borough' })
  if (!isUuid(move.toBcuId)) errors.push({ field: 'toBcuId', reason: 'Select the BCU it moves to' })
  if (!isIsoDate(move.effectiveFrom)) errors.push({ field: 'effectiveFrom', reason: 'Enter a real date' })
  if (errors.length) fail(errors)
  const now = clock.now()
  await inTransaction(q, async (trx) => {
    const borough = await trx
      .selectFrom('borough')
      .select(['id', 'force_id'])
      .where('id', '=', move.boroughId)
      .forUpdate()
      .executeTakeFirst()
    if (!borough) fail([{ field: 'boroughId', reason: 'Select a borough from the list' }])
    const bcu = await trx
      .selectFrom('bcu')
      .select('id')
      .where('id', '=', move.toBcuId)
      .where('force_id', '=', borough.force_id)
      .executeTakeFirst()
    if (!bcu) fail([{ field: 'toBcuId', reason: 'Select a BCU from the list' }])
    const decision = planReorganisation(await periodsOf(trx, borough.id), {
      toBcuId: bcu.id,
      effectiveFrom: move.effectiveFrom,
    })
    if ('errors' in decision) fail(decision.errors)
    const { close, open } = decision.plan
    if (close) {
      const closed = await trx
        .updateTable('borough_bcu')
        .set((eb) => ({ effective_to: close.effectiveTo, version: eb('version', '+', 1) }))
        .where('id', '=', close.id)
        .returning('version')
        .executeTakeFirstOrThrow()
      await recordChange(trx, {
        table: 'borough_bcu',
        id: close.id,
        version: closed.version,
        action: 'update',
        changedBy,
        changedAt: now,
        changes: { effectiveTo: [null, close.effectiveTo] },
      })
    }
    const opened = await trx
      .insertInto('borough_bcu')
      .values({ borough_id: borough.id, bcu_id: open.bcuId, effective_from: open.effectiveFrom })
      .returning(['id', 'version'])
      .executeTakeFirstOrThrow()
    await recordChange(trx, {
      table: 'borough_bcu',
      id: opened.id,
      version: opened.version,
      action: 'create',
      changedBy,
      changedAt: now,
      changes: {
        boroughId: [null, borough.id],
        bcuId: [null, open.bcuId],
        effectiveFrom: [null, open.effectiveFrom],
      },
    })
    await changed?.(trx, 'borough', [borough.id])
  })
}
