import { parseArgs } from 'node:util'
import { buildKestrel, openMigratedDatabase } from '../kestrel.ts'
import { ensureOrganisation } from '../modules/organisation/seed.ts'
import { firstStartNotice } from '../platform/auth/first-start.ts'
import { startMetricsServer } from '../platform/http/metrics.ts'
import { startSweepScheduler } from '../standards/sweep.ts'
import type { Command } from './command.ts'
import { prepareDemo } from './demo.ts'

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
    await ensureOrganisation({ db: handle.db })
    const kestrel = await buildKestrel(settings, handle)
    // Accounts exist before the server answers; their passwords are printed last, where they are seen.
    const firstAccounts = values.demo ? await prepareDemo(kestrel, (line) => console.log(line)) : []
    const address = await kestrel.app.listen({ port: settings.port, host: settings.host })
    const metrics =
      settings.metricsPort === undefined ? undefined : await startMetricsServer(settings.metricsPort)
    // Time-based rules are re-checked every few minutes, so a finding breaches without anyone writing.
    const stopSweeps = await startSweepScheduler({
      config: settings,
      dbKind: handle.kind,
      standards: kestrel.services.standards,
    })
    console.log(
      `Kestrel is running at ${address.replace('127.0.0.1', 'localhost')} on ${handle.kind === 'pglite' ? `the embedded database in ${handle.location}` : `PostgreSQL at ${handle.location}`} (started in ${Math.round(performance.now() - started)} ms)`,
    )
    if (firstAccounts.length) console.log(firstStartNotice(firstAccounts))
    await new Promise<void>((resolve) => {
      const stop = () => resolve()
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
    })
    await stopSweeps()
    await metrics?.close()
    await kestrel.close()
    await handle.close()
    return 0
  },
}
