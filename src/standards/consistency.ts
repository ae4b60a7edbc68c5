import { metrics } from '../platform/http/metrics.ts'
import type { ScheduledJob } from '../platform/jobs.ts'
import type { RuleResult } from './evaluate.ts'
import type { StandardsService } from './service.ts'

/**
 * The consistency check (`kestrel rules run --full`, and nightly): does the stored state of the findings
 * equal a full re-derivation of every rule? Between sweeps a finding may change for two reasons only: a write,
 * evaluated in the writer's transaction with the records it affects, or the clock, which the steady sweep
 * follows. So the check first brings the stored state to asOf the way the schedule does (the steady sweep),
 * then re-derives every rule at the same instant: anything that second pass opens, changes or closes is a
 * finding the write path left wrong (a dependency it did not re-evaluate), reported as a defect and put right.
 * A write landing between the two passes can show as a difference; run it when the force is quiet.
 */

/** One rule's defects: findings the derivation owes that were not stored, stored ones out of date, and open ones no longer owed. */
export interface RuleDifference {
  ruleId: string
  missing: number
  outOfDate: number
  noLongerOwed: number
}

export interface ConsistencyReport {
  asOf: Date
  /** The steady sweep's results: what the clock alone moved since the last sweep. */
  steady: RuleResult[]
  /** The full pass's results, each rule's differences from the stored state among them. */
  full: RuleResult[]
  /** The rules whose stored findings differed from their derivation: the defects, each put right. */
  differences: RuleDifference[]
  /** Rules that failed in either pass (reported, as a sweep does; the others went on). */
  failed: RuleResult[]
}

/** The differences of a full pass run straight after the steady sweep: every finding it had to touch. */
export function differencesOf(full: readonly RuleResult[]): RuleDifference[] {
  // A sweep counts a finding it closed among those it changed too.
  return full.flatMap((r) =>
    r.ok && r.opened + r.changed > 0
      ? [{ ruleId: r.ruleId, missing: r.opened, outOfDate: r.changed - r.closed, noLongerOwed: r.closed }]
      : [],
  )
}

export async function checkConsistency(
  standards: Pick<StandardsService, 'sweep'>,
  options: { asOf: Date; ruleIds?: readonly string[] },
): Promise<ConsistencyReport> {
  const { asOf, ruleIds } = options
  const steady = await standards.sweep({ asOf, timeBasedOnly: true, ...(ruleIds ? { ruleIds } : {}) })
  const full = await standards.sweep({ asOf, ...(ruleIds ? { ruleIds } : {}) })
  return {
    asOf,
    steady,
    full,
    differences: differencesOf(full),
    failed: [...steady, ...full].filter((r) => !r.ok),
  }
}

/** One log line per defect: what differed, so the rule's dependencies can be found and mended. */
export function describeDifferences(report: ConsistencyReport): string[] {
  return report.differences.map(
    (d) =>
      `Consistency: ${d.ruleId} differed from its stored findings at ${report.asOf.toISOString()}: ` +
      `${d.missing} missing, ${d.outOfDate} out of date, ${d.noLongerOwed} open but no longer owed (each put right)`,
  )
}

/** A check's outcome in the metrics: each rule's differences, and the check itself by result. */
export function recordConsistency(report: ConsistencyReport) {
  const { consistencyDifferences, consistencyChecks } = metrics()
  for (const d of report.differences)
    consistencyDifferences.labels(d.ruleId).inc(d.missing + d.outOfDate + d.noLongerOwed)
  consistencyChecks
    .labels(report.failed.length ? 'failed' : report.differences.length ? 'differences' : 'consistent')
    .inc()
}

/**
 * The nightly check, at 02:30 London time when the force writes least; on the embedded database every 24 hours
 * from the start. Each difference is logged and counted in the metrics.
 */
export function consistencyJob(deps: {
  standards: Pick<StandardsService, 'sweep'>
  now: () => Date
  record?: (report: ConsistencyReport) => void
}): ScheduledJob {
  const record = deps.record ?? recordConsistency
  return {
    name: 'standards-consistency',
    everyMinutes: 24 * 60,
    cron: '30 2 * * *',
    run: async () => {
      const report = await checkConsistency(deps.standards, { asOf: deps.now() })
      for (const line of describeDifferences(report)) console.error(line)
      for (const r of report.failed) console.error(`Consistency: rule ${r.ruleId} failed: ${r.error}`)
      record(report)
    },
    failed: (error) => console.error(`Consistency check failed: ${error.message}`),
  }
}
