import type { Reach } from '../../../platform/access/need-to-know.ts'
import type { Executor } from '../../../platform/db/database.ts'
import { type ReviewInput, validateReview } from '../investigation.ts'
import { endOfLondonDay } from './actions.ts'
import { fail, type InvestigationActor, type InvestigationDeps } from './dependencies.ts'
import { changeInvestigation, mustGet } from './records.ts'

/** A supervisory review with the further work it directs (each an action with its due date). */
export async function recordReview(
  q: Executor,
  deps: InvestigationDeps,
  id: string,
  version: number,
  input: ReviewInput,
  actor: InvestigationActor,
  reach: Reach,
) {
  const organisation = deps.organisationOn(q)
  const now = deps.clock.now()
  const found = await mustGet(q, id, reach)
  const errors = validateReview(input, found.opened_at, now)
  for (const [i, a] of input.actions.entries()) {
    if (a.description.trim() && a.ownerStaffId && !(await organisation.staffMember(a.ownerStaffId)))
      errors.push({ field: `actions.${i}.owner`, reason: 'Select the officer from the list' })
  }
  if (errors.length) fail(errors)
  return changeInvestigation(
    q,
    deps,
    id,
    version,
    actor,
    'review',
    async (trx) => {
      const review = await trx
        .insertInto('supervisory_review')
        .values({
          investigation_id: id,
          reviewed_at: input.reviewedAt as Date,
          reviewer_staff_id: actor.staffId,
          reviewer_name: actor.displayName,
          findings: input.findings.trim(),
          created_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      for (const a of input.actions.filter((x) => x.description.trim())) {
        await trx
          .insertInto('investigation_action')
          .values({
            investigation_id: id,
            kind: /strategy (meeting|discussion)/i.test(a.description) ? 'strategy_meeting' : 'action',
            description: a.description.trim(),
            owner_staff_id: a.ownerStaffId ?? found.officer_staff_id,
            due_at: endOfLondonDay(a.dueOn as string),
            directed_by_staff_id: actor.staffId,
            directed_by_name: actor.displayName,
            directed_at: input.reviewedAt as Date,
            review_id: review.id,
            created_at: now,
          })
          .execute()
      }
      return { result: review.id }
    },
    reach,
  )
}
