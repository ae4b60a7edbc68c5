import { sql } from 'kysely'
import type { Database } from '../../src/platform/db/database.ts'
import type { Services } from '../../src/services.ts'
import { median, ratio, round, timed } from './stats.ts'

export interface SweepFigure {
  ruleId: string
  appliesTo: string
  /** Whether the rule answers with its query (compared in the database) or with rows computed in JS. */
  form: 'query' | 'rows'
  tables: string[] | null
  obligations: number
  opened: number
  firstMs: number
  /** Median of three sweeps after the first: nothing changed, so nothing is written. */
  steadyMs: number
  /** A plain count(*) over each of the rule's tables, summed; median of five. */
  countMs: number | null
  /**
   * Not the target's baseline, a reference beside it: count(*) over the rule's tables plus a count(*) of
   * its stored findings (through the index a sweep uses): the least any sweep that compares must read.
   */
  withFindingsMs: number | null
  withFindingsRatio: number | null
  /**
   * The rule's floor (issue 18's baseline for the full sweep): its own obligations query cut to its keys,
   * fully joined with its stored findings on (subject, obligation key) and counted, median of five. The
   * rule's joins and filters, none of its expressions or the engine's comparison. Null for a `rows` rule.
   */
  floorMs?: number | null
  /** steadyMs ÷ floorMs: the target is within 3x. */
  floorRatio?: number | null
  firstRatio: number | null
  steadyRatio: number | null
  ok: boolean
  error?: string
}

/** Median of five count(*) over the tables, after one to warm the cache. */
async function countTime(db: Database, tables: readonly string[], findingsOf?: string): Promise<number> {
  const once = async () => {
    let total = 0
    for (const table of tables) {
      const [, ms] = await timed(() => sql`select count(*) from ${sql.table(table)}`.execute(db))
      total += ms
    }
    if (findingsOf) {
      const [, ms] = await timed(() =>
        sql`select count(*) from finding where rule_id = ${findingsOf}`.execute(db),
      )
      total += ms
    }
    return total
  }
  await once()
  const samples: number[] = []
  for (let i = 0; i < 5; i++) samples.push(await once())
  return median(samples)
}

/**
 * A rule's obligations as it answers them at asOf with its default parameters: for `subjects` only, or every
 * record. A query (`query` form) or rows computed in JavaScript (`rows`).
 */
async function obligationsOf(services: Services, ruleId: string, asOf: Date, subjects?: string[]) {
  const rule = services.standards.rule(ruleId)
  if (!rule) return null
  const { resolveParameters } = await import('../../src/standards/parameters.ts')
  const { upTo, columnRef } = await import('../../src/standards/rule.ts')
  return rule.obligations(services.db, {
    asOf,
    subjects,
    params: resolveParameters(rule, []),
    calendar: services.standards.calendar,
    upTo: (c) => upTo(c, asOf),
    subjectFilter: (c) =>
      subjects ? sql<boolean>`${columnRef(c)}::text = any(${subjects}::text[])` : sql<boolean>`true`,
  })
}

/** Whether a rule returns its query: asked of the rule itself, on a subject that does not exist. */
async function formOf(services: Services, ruleId: string, asOf: Date): Promise<'query' | 'rows'> {
  const { isObligationQuery } = await import('../../src/standards/rule.ts')
  const found = await obligationsOf(services, ruleId, asOf, ['00000000-0000-4000-8000-000000000000'])
  return found && isObligationQuery(found) ? 'query' : 'rows'
}

/**
 * The floor of a rule's full sweep (`SweepFigure.floorMs`): PostgreSQL drops the columns of a subquery that
 * nothing reads, so the count pays for the rule's joins and filters and the join with the findings only.
 */
async function floorTime(services: Services, ruleId: string, asOf: Date): Promise<number | null> {
  const { isObligationQuery } = await import('../../src/standards/rule.ts')
  const found = await obligationsOf(services, ruleId, asOf)
  if (!found || !isObligationQuery(found)) return null
  const query = sql`select count(*) from (${found}) o
    full join (select subject_id, obligation_key from finding where rule_id = ${ruleId}) f
      on f.subject_id = o.subject_id::text and f.obligation_key = o.obligation_key::text`
  await query.execute(services.db)
  const samples: number[] = []
  for (let i = 0; i < 5; i++) samples.push((await timed(() => query.execute(services.db)))[1])
  return median(samples)
}

/** Every registered rule swept alone at asOf: the first sweep (opens the findings), then steady state. */
export async function benchSweep(services: Services, asOf: Date): Promise<SweepFigure[]> {
  const { standards, db } = services
  const out: SweepFigure[] = []
  await sql`analyze`.execute(db)
  for (const rule of standards.rules()) {
    process.stderr.write(`  sweep ${rule.id}\n`)
    const tables = rule.tables ? [...rule.tables] : null
    const [[first], firstMs] = await timed(() => standards.sweep({ ruleIds: [rule.id], asOf }))
    const steady: number[] = []
    for (let i = 0; i < 3; i++) {
      const [[again], ms] = await timed(() => standards.sweep({ ruleIds: [rule.id], asOf }))
      if (again && (again.opened || again.changed))
        throw new Error(`${rule.id}: a second sweep changed ${again.opened + again.changed} findings`)
      steady.push(ms)
    }
    const countMs = tables ? await countTime(db, tables) : null
    const withFindingsMs = tables ? await countTime(db, tables, rule.id) : null
    const steadyMs = median(steady)
    const floorMs = await floorTime(services, rule.id, asOf)
    out.push({
      ruleId: rule.id,
      appliesTo: rule.appliesTo,
      form: await formOf(services, rule.id, asOf),
      tables,
      obligations: first?.obligations ?? 0,
      opened: first?.opened ?? 0,
      firstMs: round(firstMs, 1),
      steadyMs: round(steadyMs, 1),
      countMs: countMs === null ? null : round(countMs, 2),
      withFindingsMs: withFindingsMs === null ? null : round(withFindingsMs, 2),
      withFindingsRatio: withFindingsMs === null ? null : ratio(steadyMs, withFindingsMs),
      floorMs: floorMs === null ? null : round(floorMs, 2),
      floorRatio: floorMs === null ? null : ratio(steadyMs, floorMs),
      firstRatio: countMs === null ? null : ratio(firstMs, countMs),
      steadyRatio: countMs === null ? null : ratio(steadyMs, countMs),
      ok: first?.ok ?? false,
      ...(first?.error ? { error: first.error } : {}),
    })
  }
  return out
}

export interface EvaluateFigure {
  kind: string
  rules: number
  samples: number
  medianMs: number
  p99Ms: number
}

/**
 * Single-record evaluation: `afterWrite` for one subject in its own transaction, as a write would call it,
 * for subjects of each kind that rules check (taken from the findings, so each has some).
 */
export async function benchEvaluate(services: Services, samplesPerKind = 200): Promise<EvaluateFigure[]> {
  const { standards, db } = services
  const kinds = [...new Set(standards.rules().map((r) => r.appliesTo))].sort()
  const out: EvaluateFigure[] = []
  for (const kind of kinds) {
    const { rows } = await sql<{ subject_id: string }>`
      select subject_id from finding where subject_kind = ${kind}
      group by subject_id order by md5(subject_id) limit ${samplesPerKind}`.execute(db)
    if (rows.length === 0) continue
    const once = (id: string) => db.transaction().execute((trx) => standards.afterWrite(trx, kind, [id]))
    // Warm the code paths and plans.
    for (const r of rows.slice(0, 10)) await once(r.subject_id)
    const samples: number[] = []
    for (const r of rows) {
      const [, ms] = await timed(() => once(r.subject_id))
      samples.push(ms)
    }
    out.push({
      kind,
      rules: standards.registry.forKind(kind).length,
      samples: samples.length,
      medianMs: round(median(samples), 2),
      p99Ms: round(percentileOf(samples, 99), 2),
    })
  }
  return out
}

import { percentile as percentileOf } from './stats.ts'
