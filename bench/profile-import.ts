// Where an import's time goes: each generator's records against the rules evaluated after each kind.
//   DATABASE_URL=postgres://... node --import tsx bench/profile-import.ts [scale]   (a fresh database, dropped after)
//   node --import tsx bench/profile-import.ts [scale]   (without DATABASE_URL: the embedded database, in memory)

import { buildKestrel } from '../src/kestrel.ts'
import { seedGenerators } from '../src/modules.ts'
import { fixedClock } from '../src/platform/clock.ts'
import { loadConfig } from '../src/platform/config.ts'
import { refreshStatistics } from '../src/platform/seed/seeder.ts'
import { freshDatabase } from './lib/database.ts'
import { generate, importAll } from './lib/import.ts'

const scale = Number(process.argv[2] ?? '0.2')
const until = new Date('2018-10-01T00:00:00Z')
const url = process.env.DATABASE_URL
const database = await freshDatabase(url ? 'postgres' : 'pglite', url)
const config = loadConfig({ NODE_ENV: 'development', KESTREL_LOG_LEVEL: 'silent' })
const kestrel = await buildKestrel(config, database.handle, fixedClock(until.toISOString()))
const standards = kestrel.services.standards
const original = standards.afterWrite.bind(standards)
const ruleMs = new Map<string, number>()
standards.afterWrite = async (trx, kind, ids) => {
  const s = performance.now()
  try {
    return await original(trx, kind, ids)
  } finally {
    ruleMs.set(kind, (ruleMs.get(kind) ?? 0) + performance.now() - s)
  }
}
// Each kind's own writing (validation against the database, writes, its access log), apart from the rules.
const writeMs = new Map<string, number>()
for (const k of kestrel.services.imports.kinds()) {
  const write = k.write.bind(k)
  k.write = async (lines, context) => {
    const s = performance.now()
    try {
      return await write(lines, context)
    } finally {
      writeMs.set(k.kind, (writeMs.get(k.kind) ?? 0) + performance.now() - s)
    }
  }
}
const data = generate(seedGenerators, scale, 2018, until)
const { ms, byGenerator } = await importAll(kestrel.services.imports, data, (vacuum) =>
  refreshStatistics(kestrel.services.db, vacuum),
)
console.log(`total ${Math.round(ms)} ms for ${data.total} records: ${Math.round(data.total / (ms / 1000))}/s`)
for (const g of byGenerator) console.log(`  ${g.name}: ${g.records} in ${g.seconds} s (${g.rate}/s)`)
for (const [kind, t] of writeMs) console.log(`  writing ${kind}: ${Math.round(t)} ms`)
for (const [kind, t] of ruleMs) console.log(`  rules after ${kind}: ${Math.round(t)} ms`)
await kestrel.app.close()
await database.drop()
