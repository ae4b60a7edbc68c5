import { sql } from 'kysely'
import type { Database } from '../../platform/db/database.ts'
import { resolveParameters } from '../../standards/parameters.ts'
import type { StandardsService } from '../../standards/service.ts'
import type { GradingHistory, RepeatThreshold } from './grading.ts'

/**
 * MIS-02's repeat threshold in force at asOf, as the rule counts it: the borough's own value where it set
 * one, the force's otherwise (before a borough is chosen, the force's). Read from the standards engine's
 * parameters, so the grading page suggests by the number the rules judge by.
 */
export async function repeatThresholdAt(
  standards: Pick<StandardsService, 'parameters' | 'rule'>,
  asOf: Date,
  boroughId: string | null,
): Promise<RepeatThreshold> {
  const rule = standards.rule('MIS-02')
  if (!rule) throw new Error('MIS-02 is not registered')
  const values = await standards.parameters.valuesAt(asOf, [rule.id])
  const { repeatEpisodes, repeatDays } = resolveParameters<{ repeatEpisodes: number; repeatDays: number }>(
    rule,
    values,
  ).forBorough(boroughId)
  return { episodes: repeatEpisodes, days: repeatDays }
}

/**
 * The history with `previous.last90` (the earlier episodes in the repeat window) counted in the threshold's
 * days: every earlier episode of the child's in the last year, seen or not, as the history counts them.
 */
export async function historyInWindow(
  db: Database,
  personId: string,
  at: Date,
  history: GradingHistory,
  threshold: RepeatThreshold,
): Promise<GradingHistory> {
  const days = Math.min(threshold.days, 365)
  const row = await db
    .selectFrom('missing_episode')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('person_id', '=', personId)
    .where('reported_at', '<', at)
    .where('reported_at', '>', new Date(at.getTime() - days * 86_400_000))
    .executeTakeFirstOrThrow()
  return { ...history, previous: { ...history.previous, last90: row.n } }
}
