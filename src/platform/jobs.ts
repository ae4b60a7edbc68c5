import { PgBoss } from 'pg-boss'
import type { Config } from './config.ts'
import type { DatabaseKind } from './db/database.ts'

/** Work a server repeats on a schedule: the standards sweep, the access log's checkpoint. */
export interface ScheduledJob {
  /** The pg-boss queue's name. */
  name: string
  /** Minutes between runs; a divisor of 60 so the cron schedule is even (or the timer's, with `cron`). */
  everyMinutes: number
  /** A cron schedule in London time for pg-boss instead of every `everyMinutes` (a nightly job). */
  cron?: string
  run: () => Promise<void>
  /** Where a run's failure is reported. */
  failed: (error: Error) => void
}

/**
 * Runs each job on its schedule: pg-boss on PostgreSQL (one run per interval however many Kestrel processes
 * serve, one pg-boss for all the jobs), an in-process timer on the embedded database (one process by nature,
 * data-folder-lock.ts). A run still going when the next falls due is not overlapped. Returns stop().
 */
export async function startScheduledJobs(
  config: Config,
  dbKind: DatabaseKind,
  jobs: readonly ScheduledJob[],
  /** Jobs (by name) to run once now as well as on their schedule: the demo's first start opens on their work. */
  runNow: readonly string[] = [],
): Promise<() => Promise<void>> {
  const running = new Set<string>()
  const runOnce = async (job: ScheduledJob) => {
    if (running.has(job.name)) return
    running.add(job.name)
    try {
      await job.run()
    } catch (error) {
      job.failed(error as Error)
    } finally {
      running.delete(job.name)
    }
  }

  if (config.database.kind === 'postgres' && dbKind === 'postgres') {
    const boss = new PgBoss({ connectionString: config.database.url, schema: 'pgboss' })
    boss.on('error', (error) => console.error(`Job scheduler: ${error.message}`))
    await boss.start()
    for (const job of jobs) {
      await boss.createQueue(job.name, { policy: 'singleton' })
      await boss.schedule(job.name, job.cron ?? `*/${job.everyMinutes} * * * *`, null, {
        tz: 'Europe/London',
      })
      await boss.work(job.name, async () => {
        await runOnce(job)
      })
      if (runNow.includes(job.name)) await boss.send(job.name, {})
    }
    return async () => {
      await boss.stop({ graceful: true, timeout: 30_000 })
    }
  }

  const timers = jobs.map((job) => {
    const timer = setInterval(() => void runOnce(job), job.everyMinutes * 60_000)
    timer.unref()
    return timer
  })
  // In the background, tracked as a scheduled run is, so stop() waits for it as for any other.
  for (const job of jobs) if (runNow.includes(job.name)) void runOnce(job)
  return async () => {
    for (const timer of timers) clearInterval(timer)
    while (running.size) await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
