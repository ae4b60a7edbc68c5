import type { Config } from '../platform/config.ts'
import type { DatabaseKind } from '../platform/db/database.ts'
import { type ScheduledJob, startScheduledJobs } from '../platform/jobs.ts'
import type { RuleResult } from './evaluate.ts'
import type { StandardsService } from './service.ts'

/**
 * Minutes between steady sweeps: a duty that falls due shows as breached within that. Every minute on
 * PostgreSQL, where the sweep has connections of its own (1.4 s for the demo force's 44 time-based rules,
 * README); every five on the embedded database, whose one session the sweep holds while it runs, so users'
 * requests wait for it: once a minute would stall them that often until the rules still derived whole are
 * swept by their next instants (issue 18).
 */
export const sweepIntervalMinutes = (dbKind: DatabaseKind) => (dbKind === 'postgres' ? 1 : 5)

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
