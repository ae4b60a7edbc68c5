import type { Executor } from '../../platform/db/database.ts'
import { inForceAt, parameterChanges, resolveParameters } from '../../standards/parameters.ts'
import type { StandardsService } from '../../standards/service.ts'
import type { RepeatThreshold } from './grading.ts'
import { defaultRepeatThreshold } from './repeat.ts'

/** MIS-02's repeat threshold at an instant for a borough (null: the force's, before a borough is chosen). */
export type RepeatThresholds = (at: Date, boroughId: string | null) => RepeatThreshold

/** Reads what answers for every instant up to `until` in one go, so a batch of reports reads it once. */
export type RepeatThresholdSource = (q: Executor, until: Date) => Promise<RepeatThresholds>

/**
 * MIS-02's repeat threshold as the rule counts it: the borough's own value where it set one, the force's
 * otherwise, each as in force at the report time. Read from the standards engine's parameters through the
 * executor given (the writer's transaction when a report is saved), so the grading page's suggestion and
 * the check on saving judge by the number the rules judge by.
 */
export function configuredRepeatThresholds(standards: Pick<StandardsService, 'rule'>): RepeatThresholdSource {
  return async (q, until) => {
    const rule = standards.rule('MIS-02')
    if (!rule) throw new Error('MIS-02 is not registered')
    const changes = await parameterChanges(q, until, [rule.id])
    return (at, boroughId) => {
      const { repeatEpisodes, repeatDays } = resolveParameters<{
        repeatEpisodes: number
        repeatDays: number
      }>(rule, inForceAt(changes, at)).forBorough(boroughId)
      return { episodes: repeatEpisodes, days: repeatDays }
    }
  }
}

/** MIS-02's defaults, for a missing service built without the standards engine (its own unit tests). */
export const defaultRepeatThresholds: RepeatThresholdSource = async () => () => defaultRepeatThreshold
