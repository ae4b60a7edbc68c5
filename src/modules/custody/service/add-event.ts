import { randomUUID } from 'node:crypto'
import type { Principal } from '../../../platform/auth/principal.ts'
import type { Executor } from '../../../platform/db/database.ts'
import { recordMany } from '../../../platform/db/history.ts'
import { ConflictError, ValidationError } from '../../../platform/http/errors.ts'
import { detentionKind } from '../access.ts'
import { type CustodyEvent, type EventInput, eventInput, timelineErrors } from '../custody.ts'
import { type CustodyDeps, inTransaction, noSuchDetention, reachFor } from './dependencies.ts'
import { eventRow, eventsOf, insertEvents, toEvent } from './events.ts'
import { detentionRow, toDetention } from './records.ts'

/**
 * Adds one event to a detention read at `version`. The whole timeline is checked with the new event in
 * it; a stale version is a conflict, so two officers cannot record past each other unseen.
 */
export async function addEvent(
  q: Executor,
  deps: CustodyDeps,
  id: string,
  version: number,
  input: EventInput,
  principal: Principal,
): Promise<CustodyEvent> {
  const parsed = eventInput.safeParse(input)
  if (!parsed.success) {
    throw new ValidationError(
      parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'kind', reason: i.message })),
    )
  }
  const event = parsed.data
  const now = deps.clock.now()
  const reach = await reachFor(q, principal)
  return inTransaction(q, async (trx) => {
    const row = await detentionRow(trx, id, true)
    detentionKind.mustSee(reach, row, noSuchDetention)
    const detention = toDetention(row)
    if (row.version !== version) throw new ConflictError()
    const existing = (await eventsOf(trx, [id])).get(id) ?? []
    const newEvent = { ...event, id: randomUUID() }
    const errors = timelineErrors(detention.arrestedAt, [...existing, newEvent as never], {
      now,
      fieldOf: () => '',
      check: new Set([existing.length]),
    })
    if (errors.length) throw new ValidationError(errors)
    await insertEvents(trx, [eventRow(newEvent, id, principal.id, now)])
    await trx
      .updateTable('custody_detention')
      .set({ version: version + 1, updated_at: now })
      .where('id', '=', id)
      .execute()
    await recordMany(trx, [
      {
        table: 'custody_detention',
        id,
        version: version + 1,
        action: 'update',
        changedBy: principal.id,
        changedAt: now,
        changes: { event: [null, { kind: event.kind, at: event.at.toISOString(), id: newEvent.id }] },
      },
    ])
    await deps.accessLog.record(
      {
        actorId: principal.id,
        actorName: principal.username,
        action: 'update',
        subjectKind: detentionKind.kind,
        subjectId: id,
        detail: { event: event.kind },
      },
      trx,
    )
    await deps.afterWrite?.(trx, detentionKind.kind, [id])
    return toEvent({ ...eventRow(newEvent, id, principal.id, now) })
  })
}
