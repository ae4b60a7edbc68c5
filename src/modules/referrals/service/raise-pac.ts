import type { Executor } from '../../../platform/db/database.ts'
import { ValidationError } from '../../../platform/http/errors.ts'
import { bcuForBorough, borough as boroughById } from '../../organisation/service/areas.ts'
import { staffMember } from '../../organisation/service/staff.ts'
import { pacKind } from '../access.ts'
import { type PacInput, validatePacInput } from '../pac.ts'
import type { ReferralPerson } from '../person-index.ts'
import { evaluate, inTransaction, type PacActor, type ReferralsDeps } from './dependencies.ts'
import { type Pac, toPac } from './records.ts'

/**
 * Raises a PAC; an unknown child, a bad answer or a time in the future is a ValidationError, nothing
 * written. The child is checked through the person index, so the caller's executor is not yet in a
 * transaction of its own.
 */
export async function raisePac(
  q: Executor,
  deps: ReferralsDeps,
  input: Partial<PacInput>,
  actor: PacActor,
): Promise<Pac> {
  const now = deps.clock.now()
  const errors = validatePacInput(input, now)
  const person = input.personId ? await deps.people.find(input.personId) : undefined
  if (input.personId && !person) errors.push({ field: 'child', reason: 'There is no person with this id' })
  const borough = input.boroughId ? await boroughById(q, input.boroughId) : undefined
  if (input.boroughId && !borough) errors.push({ field: 'borough', reason: 'There is no such borough' })
  if (errors.length) throw new ValidationError(errors)
  // A merged record answers with its survivor: the PAC belongs to the person who remains.
  const valid = { ...(input as PacInput), personId: (person as ReferralPerson).id }
  const staff = actor.staffId ? await staffMember(q, actor.staffId) : undefined
  const bcu = await bcuForBorough(q, valid.boroughId, now)
  return inTransaction(q, async (trx) => {
    const written = await deps.history.insertRecord(
      trx,
      'pac',
      {
        person_id: valid.personId,
        about_kind: valid.aboutKind,
        about_ref: valid.aboutRef?.trim() || null,
        about_summary: valid.aboutSummary.trim(),
        concerns: valid.concerns,
        risk_level: valid.riskLevel,
        risk_assessment: valid.riskAssessment.trim(),
        child_spoken_to: valid.childSpokenTo,
        voice_of_child: valid.voiceOfChild.trim(),
        police_first_knew_at: valid.policeFirstKnewAt,
        created_at: now,
        submitted_at: now,
        raised_by_staff_id: staff?.id ?? null,
        raised_by_name: staff?.name ?? actor.displayName,
        raised_by_team_id: staff?.teamId ?? null,
        created_by: actor.id,
        borough_id: valid.boroughId,
        bcu_id: bcu?.id ?? null,
        updated_at: now,
      },
      actor,
    )
    await deps.accessLog.record(
      {
        actorId: actor.id,
        actorName: actor.username,
        action: 'create',
        subjectKind: pacKind.kind,
        subjectId: written.id,
        detail: { personId: valid.personId },
      },
      trx,
    )
    await evaluate(deps, trx, [written.id])
    return toPac(written)
  })
}
