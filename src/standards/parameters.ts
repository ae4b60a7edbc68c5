import { type Expression, type RawBuilder, sql } from 'kysely'
import type { Clock } from '../platform/clock.ts'
import type { Database, Executor } from '../platform/db/database.ts'
import { recordMany } from '../platform/db/history.ts'
import { ValidationError } from '../platform/http/errors.ts'
import type { RuleRegistry } from './registry.ts'
import {
  type AnyRule,
  columnRef,
  type ParameterSpec,
  parameterSchema,
  type ResolvedParameters,
} from './rule.ts'

/** A parameter's value in force: rule, name, borough (null: force-wide), value. */
export interface ParameterValue {
  ruleId: string
  name: string
  boroughId: string | null
  value: unknown
  effectiveFrom: Date
}

/**
 * Values in force at `asOf`: for each (rule, parameter, borough) the row with the latest effective date at
 * or before asOf. One query serves every rule of an evaluation.
 */
export async function parameterValuesAt(
  q: Executor,
  asOf: Date,
  ruleIds?: readonly string[],
): Promise<ParameterValue[]> {
  return inForceAt(await parameterChanges(q, asOf, ruleIds), asOf)
}

/**
 * Every value set with an effective date at or before `until`, in order of effective date and then of when it
 * was set (a later decision about the same date comes after): the few rows from which
 * `inForceAt` answers for any instant up to `until`, so a batch over many instants reads them once.
 */
export async function parameterChanges(
  q: Executor,
  until: Date,
  ruleIds?: readonly string[],
): Promise<ParameterValue[]> {
  if (ruleIds?.length === 0) return []
  const rows = await q
    .selectFrom('rule_parameter')
    .select(['rule_id', 'name', 'borough_id', 'value', 'effective_from'])
    .where('effective_from', '<=', until)
    .$if(ruleIds !== undefined, (w) =>
      w.where('rule_id', '=', sql<string>`any(${[...(ruleIds ?? [])]}::text[])`),
    )
    .orderBy('effective_from')
    .orderBy('set_at')
    .orderBy('id')
    .execute()
  return rows.map((r) => ({
    ruleId: r.rule_id,
    name: r.name,
    boroughId: r.borough_id,
    value: r.value,
    effectiveFrom: r.effective_from,
  }))
}

/**
 * The values in force at `asOf` among changes in `parameterChanges` order: for each (rule, parameter,
 * borough) the last one effective at or before asOf, so a later decision about the same date wins.
 */
export function inForceAt(changes: readonly ParameterValue[], asOf: Date): ParameterValue[] {
  const latest = new Map<string, ParameterValue>()
  for (const change of changes) {
    if (change.effectiveFrom > asOf) continue
    latest.set(JSON.stringify([change.ruleId, change.name, change.boroughId]), change)
  }
  return [...latest.values()]
}

/**
 * A rule's parameters as in force at `asOf`, read through the executor given: what a page or a measure
 * reads so it judges by the number the rule judges by, never by the rule's default.
 */
export async function parametersAt<P extends Record<string, unknown>>(
  q: Executor,
  rule: AnyRule,
  asOf: Date,
): Promise<ResolvedParameters<P>> {
  return resolveParameters<P>(rule, await parameterValuesAt(q, asOf, [rule.id]))
}

function sqlValue(value: unknown): RawBuilder<unknown> {
  switch (typeof value) {
    case 'number':
      return sql`cast(${value} as double precision)`
    case 'boolean':
      return sql`cast(${value} as boolean)`
    case 'string':
      return sql`cast(${value} as text)`
    default:
      return sql`cast(${JSON.stringify(value)} as jsonb)`
  }
}

/**
 * A rule's parameters: defaults, then force-wide values in force, then (for parameters that allow it)
 * each borough's own value.
 */
export function resolveParameters<P extends Record<string, unknown>>(
  rule: AnyRule,
  values: readonly ParameterValue[],
): ResolvedParameters<P> {
  const specs = rule.params as Record<string, ParameterSpec>
  const forceWide: Record<string, unknown> = {}
  for (const [name, spec] of Object.entries(specs)) forceWide[name] = spec.default
  const boroughs = new Map<string, Record<string, unknown>>()
  for (const v of values) {
    if (v.ruleId !== rule.id || !(v.name in specs)) continue
    if (v.boroughId === null) forceWide[v.name] = v.value
    else if (specs[v.name]?.perBorough) {
      boroughs.set(v.boroughId, { ...(boroughs.get(v.boroughId) ?? {}), [v.name]: v.value })
    }
  }
  return {
    forceWide: forceWide as P,
    forBorough(boroughId) {
      const own = boroughId ? boroughs.get(boroughId) : undefined
      return (own ? { ...forceWide, ...own } : forceWide) as P
    },
    sql<K extends keyof P & string>(name: K, boroughColumn?: string | Expression<unknown>) {
      if (!(name in specs)) throw new Error(`${rule.id} has no parameter ${name}`)
      const overrides = [...boroughs].filter(([, own]) => name in own)
      const fallback = sqlValue(forceWide[name])
      if (!boroughColumn || overrides.length === 0) return fallback as RawBuilder<P[K]>
      const whens = overrides.map(([boroughId, own]) => sql`when ${boroughId} then ${sqlValue(own[name])}`)
      return sql<
        P[K]
      >`(case cast(${columnRef(boroughColumn)} as text) ${sql.join(whens, sql` `)} else ${fallback} end)`
    },
  }
}

export interface ParameterChange {
  ruleId: string
  name: string
  boroughId: string | null
  value: unknown
  effectiveFrom: Date
  reason: string
  setBy: string
}

/** The rule_parameter store: read the history, add a change (validated, audited). */
export function parameterStore(db: Database, clock: Clock, registry: RuleRegistry) {
  return {
    valuesAt: (asOf: Date, ruleIds?: readonly string[]) => parameterValuesAt(db, asOf, ruleIds),

    async history(ruleId: string) {
      return db
        .selectFrom('rule_parameter')
        .selectAll()
        .where('rule_id', '=', ruleId)
        .orderBy('set_at', 'desc')
        .orderBy('effective_from', 'desc')
        .execute()
    },

    /** Adds a value from its effective date. Rows are never updated: the table is the audit trail. */
    async set(change: ParameterChange): Promise<{ id: string }> {
      const rule = registry.get(change.ruleId)
      const errors: { field: string; reason: string }[] = []
      const spec = rule ? (rule.params as Record<string, ParameterSpec>)[change.name] : undefined
      if (!rule) errors.push({ field: 'ruleId', reason: `there is no rule ${change.ruleId}` })
      else if (!spec)
        errors.push({ field: 'name', reason: `${change.ruleId} has no parameter ${change.name}` })
      if (spec) {
        const checked = parameterSchema(spec).safeParse(change.value)
        if (!checked.success)
          errors.push({ field: 'value', reason: checked.error.issues[0]?.message ?? 'invalid' })
        if (change.boroughId && !spec.perBorough) {
          errors.push({ field: 'boroughId', reason: `${change.name} is set force-wide only` })
        }
      }
      if (change.boroughId && !/^[0-9a-f-]{36}$/i.test(change.boroughId)) {
        errors.push({ field: 'boroughId', reason: 'not a borough id' })
      }
      if (Number.isNaN(change.effectiveFrom.getTime())) {
        errors.push({ field: 'effectiveFrom', reason: 'enter a real date' })
      }
      if (!change.reason.trim()) errors.push({ field: 'reason', reason: 'enter the reason for the change' })
      if (change.reason.length > 2000)
        errors.push({ field: 'reason', reason: 'must be 2000 characters or fewer' })
      if (errors.length) throw new ValidationError(errors)
      const now = clock.now()
      return db.transaction().execute(async (trx) => {
        const row = await trx
          .insertInto('rule_parameter')
          .values({
            rule_id: change.ruleId,
            name: change.name,
            borough_id: change.boroughId,
            value: JSON.stringify(change.value),
            effective_from: change.effectiveFrom,
            set_by: change.setBy,
            set_at: now,
            reason: change.reason.trim(),
          })
          .returning('id')
          .executeTakeFirstOrThrow()
        await recordMany(trx, [
          {
            table: 'rule_parameter',
            id: row.id,
            version: 1,
            action: 'create',
            changedBy: change.setBy,
            changedAt: now,
            changes: {
              ruleId: change.ruleId,
              name: change.name,
              boroughId: change.boroughId,
              value: change.value,
              effectiveFrom: change.effectiveFrom.toISOString(),
              reason: change.reason.trim(),
            },
          },
        ])
        return row
      })
    },
  }
}

/**
 * The rules with a parameter that took effect in the hour up to asOf: a steady sweep re-derives them, as a
 * parameter dated ahead changes findings by time alone, even for a rule that otherwise changes only on a write.
 */
export async function rulesWithParametersTakingEffect(q: Executor, asOf: Date): Promise<Set<string>> {
  const rows = await q
    .selectFrom('rule_parameter')
    .select('rule_id')
    .distinct()
    .where('effective_from', '>', new Date(asOf.getTime() - 3_600_000))
    .where('effective_from', '<=', asOf)
    .execute()
  return new Set(rows.map((r) => r.rule_id))
}
