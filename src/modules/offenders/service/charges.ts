import type { Actor } from '../../../platform/access/access-log.ts'
import type { Transaction } from '../../../platform/db/database.ts'
import type { FieldError } from '../../../platform/http/errors.ts'
import { londonDate } from '../../../platform/time.ts'
import { peopleByKey } from '../../children/service/find-people.ts'
import { boroughsByKey } from '../../organisation/service/keys.ts'
import { chargedPersonKind } from '../access.ts'
import type { WriteResult, WriterDeps } from './dependencies.ts'
import type { ChargeInput } from './inputs.ts'
import { managersByKey } from './records.ts'
import { saveByRef } from './save-by-ref.ts'

/**
 * Records charges for sexual offences made in another system, set-wise, by ref (a ref already held updates
 * its charge): the person must be in the person index, the borough must exist, an officer named must be a
 * member of staff. RSO-09 then asks for a ViSOR record for each charge of a notifiable offence.
 */
export async function writeCharges(
  trx: Transaction,
  deps: WriterDeps,
  submissions: readonly { ref?: string | undefined; input: ChargeInput }[],
  actor: Actor,
): Promise<WriteResult> {
  const now = deps.clock.now()
  const inputs = submissions.map((s) => s.input)
  const [people, boroughs, officers] = await Promise.all([
    peopleByKey(
      trx,
      inputs.map((i) => i.person),
    ),
    boroughsByKey(
      trx,
      inputs.map((i) => i.borough),
      londonDate(now),
    ),
    managersByKey(
      trx,
      inputs.flatMap((i) => (i.officer ? [i.officer] : [])),
    ),
  ])
  const failures: { index: number; errors: FieldError[] }[] = []
  inputs.forEach((input, index) => {
    const errors: FieldError[] = []
    if (!people.get(input.person))
      errors.push({ field: 'person', reason: `There is no person with the reference ${input.person}` })
    if (input.chargedAt > now) errors.push({ field: 'chargedAt', reason: 'must not be in the future' })
    if (!boroughs.get(input.borough))
      errors.push({ field: 'borough', reason: `There is no borough called ${input.borough}` })
    if (input.officer && !officers.get(input.officer))
      errors.push({ field: 'officer', reason: `There is no member of staff ${input.officer}` })
    if (errors.length) failures.push({ index, errors })
  })
  if (failures.length) return { errors: failures }

  const written: { ref: string; id: string; created: boolean }[] = []
  for (const { ref, input } of submissions) {
    const borough = boroughs.get(input.borough) as { id: string; bcuId: string | null }
    const values = {
      person_id: (people.get(input.person) as { id: string }).id,
      offence: input.offence,
      charged_at: input.chargedAt,
      borough_id: borough.id,
      bcu_id: borough.bcuId,
      officer_staff_id: input.officer ? (officers.get(input.officer)?.id ?? null) : null,
      recorded_by: actor.username,
    }
    written.push(await saveByRef(trx, 'sexual_offence_charge', ref, values, {}, actor, now))
  }
  const personIds = [...new Set(inputs.map((i) => (people.get(i.person) as { id: string }).id))]
  await deps.afterWrite?.(trx, chargedPersonKind, personIds)
  return { written }
}
