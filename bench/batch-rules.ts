// Each rule of a kind evaluated alone for one import-sized batch of existing records (the evaluation an
// import runs after writing them, one rule at a time so each rule's own time shows):
//   DATABASE_URL=postgres://... node --import tsx bench/batch-rules.ts KIND ASOF [batch size, default 5000]
import { sql } from 'kysely'
import { buildKestrel } from '../src/kestrel.ts'
import { loadConfig } from '../src/platform/config.ts'
import { openPostgres } from '../src/platform/db/database.ts'
import { evaluateRules } from '../src/standards/evaluate.ts'

const [kind, asOfText, sizeText] = process.argv.slice(2)
const asOf = new Date(asOfText as string)
const handle = await openPostgres(process.env.DATABASE_URL as string, 2)
const config = loadConfig({ NODE_ENV: 'development', KESTREL_LOG_LEVEL: 'silent' })
const kestrel = await buildKestrel(config, handle)
const { standards, db } = kestrel.services
const { rows } = await sql<{ subject_id: string }>`
  select subject_id from finding where subject_kind = ${kind}
  group by subject_id order by md5(subject_id) limit ${Number(sizeText ?? 5000)}`.execute(db)
const subjects = rows.map((r) => r.subject_id)
const rules = standards.rules().filter((r) => r.appliesTo === kind)
for (let run = 0; run < 2; run++) {
  const results = await evaluateRules({ db, calendar: standards.calendar, rules, asOf, now: asOf, subjects })
  if (run === 1) for (const r of results) console.log(`${r.ruleId}: ${r.ms} ms${r.ok ? '' : ` (${r.error})`}`)
}
await kestrel.app.close()
await handle.close()
