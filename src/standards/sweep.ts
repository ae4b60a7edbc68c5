import type { Config } from '../platform/config.ts'
import type { DatabaseKind } from '../platform/db/database.ts'
import { type ScheduledJob, startScheduledJobs } from '../platform/jobs.ts'
import type { RuleResult } from './evaluate.ts'
import type { StandardsService } from './service.ts'

/**
 * Minutes between steady sweeps: a duty that falls due shows as breached within that. Every minute on both
 * databases. On the embedded one a sweep holds the one session while each rule's transaction runs, so users'
 * requests wait for it; with all but ten of the 44 time-based rules swept by their due times and clock
 * instants, the demo force's steady sweep takes about 0.1 s there (bench/steady.ts), each rule a few
 * milliseconds, so a minute's sweep stalls no one noticeably.
 */
export const sweepIntervalMinutes = (_dbKind: DatabaseKind) => 1

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
export function sweepJob(
  deps: Pick<SweepSchedulerDependencies, 'standards' | 'report' | 'dbKind'>,
): ScheduledJob {
  const report = deps.report ?? defaultReport
  return {
    name: 'standards-sweep',
    everyMinutes: sweepIntervalMinutes(deps.dbKind),
    run: async () => report(await deps.standards.sweep({ timeBasedOnly: true })),
    failed: (error) => console.error(`Sweep failed: ${error.message}`),
  }
}

/** The sweep alone on its schedule. Returns stop(). */
export function startSweepScheduler(deps: SweepSchedulerDependencies): Promise<() => Promise<void>> {
  return startScheduledJobs(deps.config, deps.dbKind, [sweepJob(deps)])
}
