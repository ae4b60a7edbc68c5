import fs from 'node:fs'
import path from 'node:path'
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  sql,
} from 'kysely'
import { describe, expect, it } from 'vitest'
import { testConfig } from '../../test/app.ts'
import { modules } from '../modules.ts'
import { fixedClock } from '../platform/clock.ts'
import type { Database } from '../platform/db/database.ts'
import type { DB } from '../platform/db/schema.ts'
import { createServices } from '../services.ts'
import { workingDayCalendar } from './calendar.ts'
import { ruleContext } from './evaluate.ts'
import { type AnyRule, isObligationQuery } from './rule.ts'

/**
 * The SQL of every registered rule, kept in src/standards/sql/<RULE-ID>.sql so that a change to a rule's
 * query shows in review as a diff of SQL, not only of the TypeScript that builds it. Each rule is given the
 * engine's own context with its default parameters at a fixed instant, for a sweep (every record) and for
 * the records of one write; the queries are compiled for PostgreSQL and never run (a database that answers
 * every query with no rows stands in, so a rule that reads before it answers, or that runs its query
 * itself, shows what it reads).
 */

const directory = path.join(import.meta.dirname, 'sql')
const updateCommand = 'UPDATE_SQL_SNAPSHOTS=1 npx vitest run src/standards/sql-snapshots.test.ts'
const updating = process.env.UPDATE_SQL_SNAPSHOTS === '1'
const asOf = new Date('2018-08-01T12:00:00.000Z')
const someRecords = ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002']

/** A PostgreSQL "database" that records each query sent to it and answers with no rows. */
function recordingDatabase() {
  const sent: CompiledQuery[] = []
  const connection: DatabaseConnection = {
    async executeQuery(query) {
      sent.push(query)
      return { rows: [] }
    },
    // biome-ignore lint/correctness/useYield: no rows to stream
    async *streamQuery(query) {
      sent.push(query)
    },
  }
  const driver: Driver = {
    async init() {},
    acquireConnection: async () => connection,
    async beginTransaction() {},
    async commitTransaction() {},
    async rollbackTransaction() {},
    async releaseConnection() {},
    async destroy() {},
  }
  const db: Database = new Kysely<DB>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => driver,
      createIntrospector: (k) => new PostgresIntrospector(k),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  })
  return { db, sent }
}

/** One value as it would be bound, for the reader: instants in ISO form, arrays as JSON. */
function valueText(value: unknown): string {
  if (value instanceof Date) return value.toISOString()
  if (typeof value === 'string') return `'${value.replaceAll("'", "''")}'`
  return JSON.stringify(value) ?? String(value)
}

/**
 * The query's text with its line breaks, each line indented by how many brackets are open where it starts
 * (the TypeScript's own indentation differs between the fragments a rule is built from).
 */
function readable(query: CompiledQuery): string {
  let depth = 0
  const lines: string[] = []
  for (const raw of query.sql.split('\n')) {
    const line = raw.trim()
    if (!line) continue
    const closing = /^\)+/.exec(line)?.[0].length ?? 0
    lines.push(`${'  '.repeat(Math.max(0, depth - closing))}${line}`)
    depth = Math.max(0, depth + bracketBalance(line))
  }
  const values = query.parameters.map((value, n) => `--   $${n + 1} = ${valueText(value)}`)
  const body = lines.join('\n')
  return values.length ? `${body};\n-- with\n${values.join('\n')}` : `${body};`
}

/** Opened less closed brackets on a line, outside quotes and comments. */
function bracketBalance(line: string): number {
  let balance = 0
  let quote: string | undefined
  for (let i = 0; i < line.length; i++) {
    const c = line[i]
    if (quote) {
      if (c === quote) quote = undefined
    } else if (c === "'" || c === '"') quote = c
    else if (c === '-' && line[i + 1] === '-') break
    else if (c === '(') balance++
    else if (c === ')') balance--
  }
  return balance
}

async function part(db: Database, sent: CompiledQuery[], rule: AnyRule, subjects?: readonly string[]) {
  sent.length = 0
  const context = ruleContext(rule, [], asOf, subjects, workingDayCalendar())
  const found = await rule.obligations(db, context)
  const answers = isObligationQuery(found)
  const reads = answers ? '-- It reads first:' : '-- It reads (and works out its obligations in JavaScript):'
  const read = sent.map((q) => `${reads}\n${readable(q)}`)
  const answered = answers ? [`-- It answers with:\n${readable(sql`${found}`.compile(db))}`] : []
  return [...read, ...answered].join('\n\n')
}

async function snapshotOf(db: Database, sent: CompiledQuery[], rule: AnyRule): Promise<string> {
  const sweep = await part(db, sent, rule)
  const write = await part(db, sent, rule, someRecords)
  return [
    `-- ${rule.id}: ${rule.title} (${rule.appliesTo})`,
    '-- The SQL of the rule with its default parameters, as of 2018-08-01T12:00:00Z; generated by',
    `-- src/standards/sql-snapshots.test.ts, updated with ${updateCommand}`,
    '',
    '-- ========== A sweep: every record ==========',
    sweep,
    '',
    '-- ========== After a write: only the records written ==========',
    write,
    '',
  ].join('\n')
}

function registeredRules(db: Database): AnyRule[] {
  const config = testConfig()
  const services = createServices({ config, db, dbKind: 'postgres', clock: fixedClock(asOf) }, modules)
  return services.standards.rules()
}

describe('the SQL of each rule', () => {
  const { db, sent } = recordingDatabase()
  const rules = registeredRules(db)

  it('has rules to show', () => {
    expect(rules.length).toBeGreaterThan(30)
  })

  it.each(rules.map((rule) => [rule.id, rule] as const))(
    '%s is as in src/standards/sql',
    async (id, rule) => {
      const file = path.join(directory, `${id}.sql`)
      const text = await snapshotOf(db, sent, rule)
      if (updating) {
        fs.mkdirSync(directory, { recursive: true })
        fs.writeFileSync(file, text)
        return
      }
      if (!fs.existsSync(file)) {
        throw new Error(`${id} has no SQL snapshot (src/standards/sql/${id}.sql): run ${updateCommand}`)
      }
      expect(
        text,
        `The SQL of ${id} differs from src/standards/sql/${id}.sql. If the change is intended, run ${updateCommand} and commit the file with it.`,
      ).toBe(fs.readFileSync(file, 'utf8'))
    },
  )

  it('keeps no snapshot of a rule that is gone', () => {
    const ids = new Set(rules.map((r) => r.id))
    const stale = (fs.existsSync(directory) ? fs.readdirSync(directory) : []).filter(
      (name) => name.endsWith('.sql') && !ids.has(name.slice(0, -'.sql'.length)),
    )
    if (updating) for (const name of stale) fs.rmSync(path.join(directory, name))
    else expect(stale, `No rule is registered for these snapshots: run ${updateCommand}`).toEqual([])
  })
})
