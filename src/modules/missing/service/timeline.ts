import type { Reach } from '../../../platform/access/need-to-know.ts'
import type { Executor } from '../../../platform/db/database.ts'
import { asDay } from '../../children/person.ts'
import { episodeKind, triggerPlanKind } from '../access.ts'
import { type Grade, gradeLabels } from '../grading.ts'

/** Items for the child's chronology: the episodes and trigger plans within the reader's reach. */
export async function timelineFor(q: Executor, personId: string, reach: Reach, asOf?: Date) {
  const episodes = await q
    .selectFrom('missing_episode')
    .select(['id', 'ref', 'reported_at', 'grade', 'returned_at'])
    .where('person_id', '=', personId)
    .where(episodeKind.where(reach))
    .$if(asOf !== undefined, (q) => q.where('reported_at', '<=', asOf as Date))
    .execute()
  const plans = await q
    .selectFrom('trigger_plan')
    .select(['id', 'ref', 'created_at', 'start_date'])
    .where('person_id', '=', personId)
    .where(triggerPlanKind.where(reach))
    .$if(asOf !== undefined, (q) => q.where('created_at', '<=', asOf as Date))
    .execute()
  return [
    ...episodes.map((e) => ({
      at: e.reported_at,
      kind: episodeKind.kind,
      title: `Reported missing (${gradeLabels[e.grade as Grade].toLowerCase()})`,
      detail: e.returned_at
        ? `Returned ${e.returned_at.toISOString().slice(0, 16).replace('T', ' ')} UTC`
        : 'Not yet returned',
      href: `/missing/episodes/${e.id}`,
    })),
    ...plans.map((p) => ({
      at: p.created_at,
      kind: triggerPlanKind.kind,
      title: `Trigger plan ${p.ref} agreed`,
      detail: `From ${asDay(p.start_date)}`,
      href: `/missing/trigger-plans/${p.id}`,
    })),
  ]
}
