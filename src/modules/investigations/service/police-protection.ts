import type { Reach } from '../../../platform/access/need-to-know.ts'
import type { Executor } from '../../../platform/db/database.ts'
import type { FieldError } from '../../../platform/http/errors.ts'
import { isUuid } from '../../../platform/ids.ts'
import { fail, type InvestigationActor, type InvestigationDeps, noId } from './dependencies.ts'
import { changeInvestigation, mustGet } from './records.ts'

/** A child linked to the case taken into police protection: when, until when, and the designated officer. */
export async function recordPoliceProtection(
  q: Executor,
  deps: InvestigationDeps,
  id: string,
  version: number,
  input: {
    personId: string
    startedAt: Date | null
    designatedOfficerName: string
    endedAt: Date | null
  },
  actor: InvestigationActor,
  reach: Reach,
) {
  const now = deps.clock.now()
  const found = await mustGet(q, id, reach)
  const errors: FieldError[] = []
  if (!input.startedAt) errors.push({ field: 'startedAt', reason: 'Enter when police protection began' })
  else if (input.startedAt > now)
    errors.push({ field: 'startedAt', reason: 'The start must not be in the future' })
  if (input.endedAt && input.endedAt > now)
    errors.push({ field: 'endedAt', reason: 'The end must not be in the future' })
  else if (input.endedAt && input.startedAt && input.endedAt < input.startedAt)
    errors.push({ field: 'endedAt', reason: 'The end must be after the start' })
  const linked = await q
    .selectFrom('investigation_person')
    .select('person_id')
    .where('investigation_id', '=', found.id)
    .where('person_id', '=', isUuid(input.personId) ? input.personId : noId)
    .executeTakeFirst()
  if (!linked) errors.push({ field: 'personId', reason: 'Select a child linked to this investigation' })
  if (errors.length) fail(errors)
  return changeInvestigation(
    q,
    deps,
    id,
    version,
    actor,
    'police-protection',
    async (trx) => {
      await trx
        .insertInto('police_protection')
        .values({
          investigation_id: id,
          person_id: input.personId,
          started_at: input.startedAt as Date,
          designated_officer_name: input.designatedOfficerName.trim() || null,
          designated_at: input.designatedOfficerName.trim() ? now : null,
          ended_at: input.endedAt,
          created_at: now,
        })
        .execute()
      return { result: undefined }
    },
    reach,
  )
}
