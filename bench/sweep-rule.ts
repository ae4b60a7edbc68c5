// Steady sweeps of some rules against an existing database (for example one made by `kestrel seed`),
// beside count(*) over each rule's tables, as the benchmark's sweep phase measures them:
//   DATABASE_URL=postgres://... node --import tsx bench/sweep-rule.ts 2026-11-28T12:00:00Z REF-05 REF-01
import { sql } from 'kysely'
import { buildKestrel } from '../src/kestrel.ts'
import { loadConfig } from '../src/platform/config.ts'
import { openPostgres } from '../src/platform/db/database.ts'
import { median, timed } from './lib/stats.ts'

const [asOfText, ...ruleIds] = process.argv.slice(2)
const asOf = new Date(asOfText as string)
const handle = await openPostgres(process.env.DATABASE_URL as string, 2)
const config = loadConfig({ NODE_ENV: 'development', KESTREL_LOG_LEVEL: 'silent' })
const kestrel = await buildKestrel(config, handle)
const { standards, db } = kestrel.services
for (const id of ruleIds) {
  const rule = standards.rule(id)
  if (!rule) throw new Error(`no rule ${id}`)
  const sweeps: number[] = []
  for (let i = 0; i < 4; i++) {
    const [[result], ms] = await timed(() => standards.sweep({ ruleIds: [id], asOf }))
    if (result?.error) throw new Error(`${id}: ${result.error}`)
    if (i > 0) sweeps.push(ms)
  }
  const counts: number[] = []
  for (let i = 0; i < 6; i++) {
    let total = 0
    for (const table of rule.tables ?? [])
      total += (await timed(() => sql`select count(*) from ${sql.table(table)}`.execute(db)))[1]
    if (i > 0) counts.push(total)
  }
  const steady = median(sweeps)
  const count = median(counts)
  console.log(
    `${id}: steady ${steady.toFixed(1)} ms, count(*) ${count.toFixed(1)} ms over ${(rule.tables ?? []).join(', ')}: ${(steady / count).toFixed(1)}x`,
  )
}
await kestrel.app.close()
await handle.close()
