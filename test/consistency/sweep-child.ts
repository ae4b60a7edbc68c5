// The steady sweep in a process of its own, for the kill -9 test (kill-sweep.test.ts): Kestrel on the database
// named (a PostgreSQL URL or an embedded database's folder) at a fixed instant, one steady sweep, "swept" at
// the end. It says "sweeping" as the sweep begins, so the test knows when a kill lands inside it. Usage:
//   node --import tsx test/consistency/sweep-child.ts postgres|pglite <url|folder> <as-of ISO instant>
import { buildKestrel } from '../../src/kestrel.ts'
import { fixedClock } from '../../src/platform/clock.ts'
import { openPglite, openPostgres } from '../../src/platform/db/database.ts'
import { testConfig } from '../app.ts'

const [kind, where, asOf] = process.argv.slice(2) as [string, string, string]
const handle = kind === 'postgres' ? await openPostgres(where, 2) : await openPglite(where)
const kestrel = await buildKestrel(testConfig(), handle, fixedClock(new Date(asOf)))
process.stdout.write('sweeping\n')
const results = await kestrel.services.standards.sweep({ timeBasedOnly: true })
for (const r of results) if (!r.ok) process.stdout.write(`failed ${r.ruleId}: ${r.error}\n`)
await kestrel.close()
await handle.close()
process.stdout.write('swept\n')
