import type { Config } from '../platform/config.ts'
import type { DatabaseKind } from '../platform/db/database.ts'
import { type ScheduledJob, startScheduledJobs } from '../platform/jobs.ts'
import type { RuleResult } from './evaluate.ts'
import type { StandardsService } from './service.ts'

/** Every five minutes: a review that falls due between sweeps shows as breached within five minutes. */
export const sweepIntervalMinutes = 5

export interface SweepSchedulerDependencies {
  config: Config
  dbKind: DatabaseKind
  standards: StandardsService
  /** Where a sweep's failures are reported; the console by default. */
  report?: (results: RuleResult[]) => void
}

function defaultReport(results: RuleResult[]) {
  for (const r of results) if (!r.ok) console.error(`Sweep: rule ${r.ruleId} failed: ${r.error}`)
}

/** Re-evaluates the time-based rules, so a finding breaches without anyone writing (platform/jobs.ts). */
export function sweepJob(deps: Pick<SweepSchedulerDependencies, 'standards' | 'report'>): ScheduledJob {
  const report = deps.report ?? defaultReport
  return {
    name: 'standards-sweep',
    everyMinutes: sweepIntervalMinutes,
    run: async () => report(await deps.standards.sweep({ timeBasedOnly: true })),
    failed: (error) => console.error(`Sweep failed: ${error.message}`),
  }
}

/** The sweep alone on its schedule. Returns stop(). */
export function startSweepScheduler(deps: SweepSchedulerDependencies): Promise<() => Promise<void>> {
  return startScheduledJobs(deps.config, deps.dbKind, [sweepJob(deps)])
}
