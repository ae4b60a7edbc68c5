import type { Reach } from '../../../platform/access/need-to-know.ts'
import type { Executor } from '../../../platform/db/database.ts'
import { type StrategyDiscussionInput, validateStrategyDiscussion } from '../investigation.ts'
import { fail, type InvestigationActor, type InvestigationDeps } from './dependencies.ts'
import { changeInvestigation, mustGet } from './records.ts'

/** A strategy discussion with its participants by agency; one with no participants is refused. */
export async function recordStrategyDiscussion(
  q: Executor,
  deps: InvestigationDeps,
  id: string,
  version: number,
  input: StrategyDiscussionInput,
  actor: InvestigationActor,
  reach: Reach,
) {
  const now = deps.clock.now()
  const found = await mustGet(q, id, reach)
  const errors = validateStrategyDiscussion(input, found.opened_at, now)
  if (errors.length) fail(errors)
  return changeInvestigation(
    q,
    deps,
    id,
    version,
    actor,
    'strategy-discussion',
    async (trx) => {
      const discussion = await trx
        .insertInto('strategy_discussion')
        .values({
          investigation_id: id,
          held_at: input.heldAt as Date,
          decisions: input.decisions.trim(),
          joint_safety_plan: input.jointSafetyPlan.trim() || null,
          begins_section_47: input.beginsSection47,
          recorded_by_name: actor.displayName,
          created_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      await trx
        .insertInto('strategy_participant')
        .values(
          input.participants
            .filter((p) => p.agency || p.name.trim())
            .map((p) => ({
              strategy_discussion_id: discussion.id,
              agency: p.agency,
              name: p.name.trim(),
              role: p.role?.trim() || null,
            })),
        )
        .execute()
      return { result: discussion.id }
    },
    reach,
  )
}
