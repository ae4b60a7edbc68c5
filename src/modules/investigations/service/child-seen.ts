import type { Reach } from '../../../platform/access/need-to-know.ts'
import type { Executor } from '../../../platform/db/database.ts'
import type { FieldError } from '../../../platform/http/errors.ts'
import { isUuid } from '../../../platform/ids.ts'
import { fail, type InvestigationActor, type InvestigationDeps, noId } from './dependencies.ts'
import { changeInvestigation, mustGet } from './records.ts'

/** The child seen and spoken to (when, by whom), or the reason not. */
export async function recordChildSeen(
  q: Executor,
  deps: InvestigationDeps,
  id: string,
  version: number,
  input: { linkId: string; seenAt: Date | null; spokenTo: boolean; notSeenReason: string },
  actor: InvestigationActor,
  reach: Reach,
) {
  const now = deps.clock.now()
  const found = await mustGet(q, id, reach)
  const errors: FieldError[] = []
  if (!input.seenAt && !input.notSeenReason.trim())
    errors.push({ field: 'seenAt', reason: 'Enter when the child was seen, or the reason they were not' })
  if (input.seenAt && input.seenAt > now)
    errors.push({ field: 'seenAt', reason: 'The date must not be in the future' })
  if (input.seenAt && input.seenAt < found.opened_at)
    errors.push({ field: 'seenAt', reason: 'The date must not be before the investigation was opened' })
  if (input.seenAt && !input.spokenTo && !input.notSeenReason.trim())
    errors.push({ field: 'notSeenReason', reason: 'Enter why the child was not spoken to' })
  if (errors.length) fail(errors)
  return changeInvestigation(
    q,
    deps,
    id,
    version,
    actor,
    'child-seen',
    async (trx) => {
      const updated = await trx
        .updateTable('investigation_person')
        .set((eb) => ({
          seen_at: input.seenAt,
          seen_by_staff_id: input.seenAt ? actor.staffId : null,
          seen_by_name: input.seenAt ? actor.displayName : null,
          spoken_to: input.seenAt ? input.spokenTo : false,
          not_seen_reason: input.notSeenReason.trim() || null,
          seen_recorded_at: now,
          version: eb('version', '+', 1),
        }))
        .where('id', '=', isUuid(input.linkId) ? input.linkId : noId)
        .where('investigation_id', '=', id)
        .returning('id')
        .executeTakeFirst()
      if (!updated) fail([{ field: 'linkId', reason: 'Select a child linked to this investigation' }])
      return { result: undefined }
    },
    reach,
  )
}
