import { PgBoss } from 'pg-boss'
import type { Config } from '../platform/config.ts'
import type { DatabaseKind } from '../platform/db/database.ts'
import type { RuleResult } from './evaluate.ts'
import type { StandardsService } from './service.ts'

/** Every five minutes: a review that falls due between sweeps shows as breached within five minutes. */
export const sweepIntervalMinutes = 5
const queue = 'standards-sweep'

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

/**
 * Re-evaluates the time-based rules on a schedule: pg-boss on PostgreSQL (one sweep per interval however
 * many Kestrel processes run), an in-process timer on the embedded database (one process by nature).
 * Returns stop().
 */
export async function startSweepScheduler(deps: SweepSchedulerDependencies): Promise<() => Promise<void>> {
  const report = deps.report ?? defaultReport
  let running = false
  const sweep = async () => {
    // A slow sweep is not overlapped by the next tick.
    if (running) return
    running = true
    try {
      report(await deps.standards.sweep({ timeBasedOnly: true }))
    } finally {
      running = false
    }
  }

  if (deps.config.database.kind === 'postgres' && deps.dbKind === 'postgres') {
    const boss = new PgBoss({ connectionString: deps.config.database.url, schema: 'pgboss' })
    boss.on('error', (error) => console.error(`Sweep scheduler: ${error.message}`))
    await boss.start()
    await boss.createQueue(queue, { policy: 'singleton' })
    await boss.schedule(queue, `*/${sweepIntervalMinutes} * * * *`)
    await boss.work(queue, async () => {
      await sweep()
    })
    return async () => {
      await boss.stop({ graceful: true, timeout: 30_000 })
    }
  }

  const timer = setInterval(() => {
    sweep().catch((error: Error) => console.error(`Sweep failed: ${error.message}`))
  }, sweepIntervalMinutes * 60_000)
  timer.unref()
  return async () => {
    clearInterval(timer)
    while (running) await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
