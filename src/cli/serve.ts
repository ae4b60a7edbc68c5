import { parseArgs } from 'node:util'
import { setUpForce } from '../force-setup.ts'
import { buildKestrel, openMigratedDatabase } from '../kestrel.ts'
import { checkpointJob } from '../platform/access/checkpoint.ts'
import { firstStartNotice } from '../platform/auth/first-start.ts'
import { systemClock } from '../platform/clock.ts'
import { startMetricsServer } from '../platform/http/metrics.ts'
import { startScheduledJobs } from '../platform/jobs.ts'
import { moduleJobs } from '../platform/module.ts'
import { consistencyJob } from '../standards/consistency.ts'
import { sweepJob } from '../standards/sweep.ts'
import type { Command } from './command.ts'
import { demoJobsAtStart, prepareDemo } from './demo.ts'

/**
 * How long a stopping server waits for the requests in flight. Ten seconds is well past any page's answer
 * and inside the grace an orchestrator gives before SIGKILL (Kubernetes and systemd: 30 s and 90 s), so a
 * request that hangs is named in the log instead of the process dying silently or never.
 */
export const shutdownLimitMs = 10_000

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Start the web application and API',
  help: `Usage: kestrel serve [--demo]

Migrates the database, then serves Kestrel on HOST:PORT (default 127.0.0.1:3000).
  --demo   on the first start of an empty embedded database, generate a demo force (about one BCU
           for a year) and create an admin and one account per role, printing each generated
           password once.
Stops cleanly on SIGINT or SIGTERM.`,
  async run(args, config) {
    const { values } = parseArgs({ args, options: { demo: { type: 'boolean', default: false } } })
    const started = performance.now()
    const settings = config()
    const { handle } = await openMigratedDatabase(settings)
    await setUpForce(handle.db)
    const kestrel = await buildKestrel(settings, handle)
    // Accounts exist before the server answers; their passwords are printed last, where they are seen.
    const firstAccounts = values.demo ? await prepareDemo(kestrel, (line) => console.log(line)) : []
    const address = await kestrel.app.listen({ port: settings.port, host: settings.host })
    const metrics =
      settings.metricsPort === undefined ? undefined : await startMetricsServer(settings.metricsPort)
    // Time-based rules are re-checked every minute, so a finding
    // breaches without anyone writing; the access log's head is anchored outside the database, so a cut tail
    // cannot pass for an intact log; each night a full re-derivation checks the stored findings
    // (standards/consistency.ts).
    const stopJobs = await startScheduledJobs(
      settings,
      handle.kind,
      [
        sweepJob({ standards: kestrel.services.standards, dbKind: handle.kind }),
        consistencyJob({ standards: kestrel.services.standards, now: () => kestrel.services.clock.now() }),
        checkpointJob(handle.db, systemClock, settings.auditCheckpoint),
        ...moduleJobs(kestrel.services),
      ],
      firstAccounts.length ? demoJobsAtStart(kestrel.services) : [],
    )
    console.log(
      `Kestrel is running at ${address.replace('127.0.0.1', 'localhost')} on ${handle.kind === 'pglite' ? `the embedded database in ${handle.location}` : `PostgreSQL at ${handle.location}`} (started in ${Math.round(performance.now() - started)} ms)`,
    )
    if (firstAccounts.length) console.log(firstStartNotice(firstAccounts))
    const signal = await nextSignal()
    console.log(`${signal}: stopping; waiting up to ${shutdownLimitMs / 1000} s for the requests in flight`)
    // A second signal is someone who will not wait.
    nextSignal().then((again) => stopNow(`${again} again`, kestrel.inFlight()))
    const stopped = await withinLimit(shutdownLimitMs, async () => {
      // New connections are refused at once; the database closes only when nothing still uses it.
      await Promise.all([kestrel.close(), stopJobs(), metrics?.close()])
      await handle.close()
    })
    if (!stopped) stopNow(`${shutdownLimitMs / 1000} s passed`, kestrel.inFlight())
    // Everything Kestrel opened is closed; a handle some library left open must not keep a stopped server.
    setTimeout(() => process.exit(), 1000).unref()
    return 0
  },
}

/** The first SIGINT or SIGTERM from now. */
function nextSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGINT', on)
      process.off('SIGTERM', on)
      resolve(signal)
    }
    process.on('SIGINT', on)
    process.on('SIGTERM', on)
  })
}

/** Whether `work` finished inside the limit. */
async function withinLimit(limitMs: number, work: () => Promise<void>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), limitMs)
  })
  try {
    return await Promise.race([work().then(() => true as const), late])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Ends the process now, naming what it gave up on. An exit, not a return: a request that hangs may hold
 * the database or a socket, and either keeps the process alive for ever.
 */
function stopNow(why: string, inFlight: string[]): never {
  console.error(
    `kestrel serve: stopped without finishing (${why}); ${inFlight.length ? `still in flight: ${inFlight.join(', ')}` : 'no request was in flight, the database or a scheduled job did not close'}`,
  )
  process.exit(1)
}
