// Single-record evaluation against an existing database (for example one made by `kestrel seed`), without
// the full benchmark: afterWrite for 30 records of a kind, each in its own transaction; median and minimum.
//   DATABASE_URL=postgres://... node --import tsx bench/one-record.ts pac [2026-11-28T12:00:00Z]
import { sql } from 'kysely'
import { buildKestrel } from '../src/kestrel.ts'
import { fixedClock } from '../src/platform/clock.ts'
import { loadConfig } from '../src/platform/config.ts'
import { openPostgres } from '../src/platform/db/database.ts'

const kind = process.argv[2] ?? 'investigation'
const asOf = process.argv[3] ?? new Date().toISOString()
const handle = await openPostgres(process.env.DATABASE_URL as string, 2)
const config = loadConfig({ NODE_ENV: 'development', KESTREL_LOG_LEVEL: 'silent' })
const kestrel = await buildKestrel(config, handle, fixedClock(asOf))
const { rows } = await sql<{ subject_id: string }>`
  select subject_id from finding where subject_kind = ${kind}
  group by subject_id order by md5(subject_id) limit 30`.execute(handle.db)
const times: number[] = []
for (const r of rows) {
  const started = performance.now()
  await handle.db
    .transaction()
    .execute((trx) => kestrel.services.standards.afterWrite(trx, kind, [r.subject_id]))
  times.push(performance.now() - started)
}
times.sort((a, b) => a - b)
console.log(
  `${kind}: ${times.length} records, median ${times[Math.floor(times.length / 2)]?.toFixed(2)} ms, min ${times[0]?.toFixed(2)} ms`,
)
await kestrel.app.close()
await handle.close()
