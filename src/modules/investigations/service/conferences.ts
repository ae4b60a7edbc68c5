import type { Reach } from '../../../platform/access/need-to-know.ts'
import type { Executor } from '../../../platform/db/database.ts'
import type { FieldError } from '../../../platform/http/errors.ts'
import { fail, type InvestigationActor, type InvestigationDeps } from './dependencies.ts'
import { changeInvestigation, mustGet } from './records.ts'

/** A child protection conference held on the case, and whether the police attended. */
export async function recordConference(
  q: Executor,
  deps: InvestigationDeps,
  id: string,
  version: number,
  input: { heldAt: Date | null; policeAttended: boolean | null; attendeeName: string },
  actor: InvestigationActor,
  reach: Reach,
) {
  const now = deps.clock.now()
  const found = await mustGet(q, id, reach)
  const errors: FieldError[] = []
  if (!input.heldAt) errors.push({ field: 'heldAt', reason: 'Enter the date of the conference' })
  else if (input.heldAt > now)
    errors.push({ field: 'heldAt', reason: 'The conference must not be in the future' })
  else if (input.heldAt < found.opened_at)
    errors.push({
      field: 'heldAt',
      reason: 'The conference must not be before the investigation was opened',
    })
  if (input.policeAttended === null)
    errors.push({ field: 'policeAttended', reason: 'Select whether the police attended' })
  if (errors.length) fail(errors)
  return changeInvestigation(
    q,
    deps,
    id,
    version,
    actor,
    'conference',
    async (trx) => {
      await trx
        .insertInto('child_protection_conference')
        .values({
          investigation_id: id,
          held_at: input.heldAt as Date,
          police_attended: input.policeAttended as boolean,
          police_attendee_name: input.attendeeName.trim() || null,
          created_at: now,
        })
        .execute()
      return { result: undefined }
    },
    reach,
  )
}
