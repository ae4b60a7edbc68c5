import type { Reach } from '../../../platform/access/need-to-know.ts'
import type { Executor } from '../../../platform/db/database.ts'
import type { FieldError } from '../../../platform/http/errors.ts'
import { isUuid } from '../../../platform/ids.ts'
import { londonDate, londonInstant } from '../../../platform/time.ts'
import type { ActionKind } from '../investigation.ts'
import { fail, type InvestigationActor, type InvestigationDeps, noId } from './dependencies.ts'
import { changeInvestigation } from './records.ts'

/** A due date is the end of that London day: an action due on the 5th is on time done at 23:59 on the 5th. */
export function endOfLondonDay(day: string): Date {
  return londonInstant(day, '23:59:59')
}

/** A line of enquiry or action, directed (or not) by a supervisor. */
export async function addAction(
  q: Executor,
  deps: InvestigationDeps,
  id: string,
  version: number,
  input: {
    kind: ActionKind
    description: string
    ownerStaffId: string | null
    dueOn: string | null
    directed: boolean
  },
  actor: InvestigationActor,
  reach: Reach,
) {
  const now = deps.clock.now()
  const errors: FieldError[] = []
  if (!input.description.trim()) errors.push({ field: 'description', reason: 'Enter the action' })
  if (input.directed && !input.dueOn)
    errors.push({ field: 'dueOn', reason: 'Enter the due date of the directed action' })
  if (input.dueOn && input.dueOn < londonDate(now))
    errors.push({ field: 'dueOn', reason: 'The due date must not be in the past' })
  if (errors.length) fail(errors)
  return changeInvestigation(
    q,
    deps,
    id,
    version,
    actor,
    'action',
    async (trx, current) => {
      await trx
        .insertInto('investigation_action')
        .values({
          investigation_id: id,
          kind: input.kind,
          description: input.description.trim(),
          owner_staff_id: input.ownerStaffId ?? current.officer_staff_id,
          due_at: input.dueOn ? endOfLondonDay(input.dueOn) : null,
          directed_by_staff_id: input.directed ? actor.staffId : null,
          directed_by_name: input.directed ? actor.displayName : null,
          directed_at: now,
          created_at: now,
        })
        .execute()
      return { result: undefined }
    },
    reach,
  )
}

/** Marks an open action done; one already done (or not on this case) is refused. */
export function completeAction(
  q: Executor,
  deps: InvestigationDeps,
  id: string,
  version: number,
  actionId: string,
  actor: InvestigationActor,
  reach: Reach,
) {
  const now = deps.clock.now()
  return changeInvestigation(
    q,
    deps,
    id,
    version,
    actor,
    'action-done',
    async (trx) => {
      const done = await trx
        .updateTable('investigation_action')
        .set((eb) => ({ done_at: now, version: eb('version', '+', 1) }))
        .where('id', '=', isUuid(actionId) ? actionId : noId)
        .where('investigation_id', '=', id)
        .where('done_at', 'is', null)
        .returning('id')
        .executeTakeFirst()
      if (!done) fail([{ field: 'action', reason: 'This action is already done or does not exist' }])
      return { result: undefined }
    },
    reach,
  )
}
