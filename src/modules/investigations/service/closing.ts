import type { Reach } from '../../../platform/access/need-to-know.ts'
import type { Executor } from '../../../platform/db/database.ts'
import type { FieldError } from '../../../platform/http/errors.ts'
import { validateClosure } from '../investigation.ts'
import { fail, type InvestigationActor, type InvestigationDeps } from './dependencies.ts'
import { changeInvestigation, mustGet } from './records.ts'

/* What the case comes to: the crime it records and the Home Office outcome it closes with. */

/** Closes the case with its Home Office outcome and the rationale. */
export async function closeInvestigation(
  q: Executor,
  deps: InvestigationDeps,
  id: string,
  version: number,
  input: { outcome: string; rationale: string; welfareVisit?: boolean; socialCareReferral?: boolean },
  actor: InvestigationActor,
  reach: Reach,
) {
  const now = deps.clock.now()
  const found = await mustGet(q, id, reach)
  if (found.status === 'closed') fail([{ field: 'outcome', reason: 'This investigation is already closed' }])
  const errors = validateClosure({ ...input, closedAt: now }, found.opened_at, now)
  if (errors.length) fail(errors)
  return changeInvestigation(
    q,
    deps,
    id,
    version,
    actor,
    'close',
    async () => ({
      patch: {
        status: 'closed',
        outcome: input.outcome,
        closed_at: now,
        closed_by_staff_id: actor.staffId,
        closed_by_name: actor.displayName,
        closure_rationale: input.rationale.trim(),
        ...(input.welfareVisit ? { welfare_visit_at: now } : {}),
        ...(input.socialCareReferral ? { social_care_referral_at: now } : {}),
      },
      result: undefined,
    }),
    reach,
  )
}

/** The offence and crime reference, once the concern is recorded as a crime. */
export async function recordCrime(
  q: Executor,
  deps: InvestigationDeps,
  id: string,
  version: number,
  input: { offence: string; crimeReference: string },
  actor: InvestigationActor,
  reach: Reach,
) {
  const errors: FieldError[] = []
  if (!input.offence.trim()) errors.push({ field: 'offence', reason: 'Enter the offence' })
  if (!/^[A-Za-z0-9/-]{1,100}$/.test(input.crimeReference.trim()))
    errors.push({
      field: 'crimeReference',
      reason: 'Enter the crime reference, letters, numbers, / and - only',
    })
  if (errors.length) fail(errors)
  return changeInvestigation(
    q,
    deps,
    id,
    version,
    actor,
    'crime',
    async () => ({
      patch: {
        offence: input.offence.trim(),
        crime_reference: input.crimeReference.trim(),
        crime_recorded_at: deps.clock.now(),
      },
      result: undefined,
    }),
    reach,
  )
}
