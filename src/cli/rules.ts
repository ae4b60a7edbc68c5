import { parseArgs } from 'node:util'
import { openMigratedDatabase } from '../kestrel.ts'
import { systemClock } from '../platform/clock.ts'
import type { Config } from '../platform/config.ts'
import { createServices, type Services } from '../services.ts'
import { checkConsistency, describeDifferences } from '../standards/consistency.ts'
import type { RuleResult } from '../standards/evaluate.ts'
import type { ParameterSpec } from '../standards/rule.ts'
import type { Command } from './command.ts'
import { UsageError } from './main.ts'

/** Opens the database and builds every service, so every module's rules are registered. */
export async function withServices<T>(config: Config, use: (services: Services) => Promise<T>): Promise<T> {
  const { handle } = await openMigratedDatabase(config)
  try {
    return await use(createServices({ config, db: handle.db, dbKind: handle.kind, clock: systemClock }))
  } finally {
    await handle.close()
  }
}

export function parseAsOf(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined
  const asOf = new Date(value)
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(asOf.getTime())) {
    throw new UsageError(`--as-of must be an ISO 8601 instant like 2018-08-01T09:00:00+01:00, not ${value}`)
  }
  return asOf
}

export function formatResults(results: RuleResult[]): string {
  const header = ['rule', 'result', 'obligations', 'opened', 'changed', 'closed', 'ms']
  const rows = results.map((r) => [
    r.ruleId,
    r.ok ? 'ok' : `error: ${r.error}`,
    String(r.obligations),
    String(r.opened),
    String(r.changed),
    String(r.closed),
    String(r.ms),
  ])
  return table([header, ...rows])
}

export function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? []
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}

export const rulesCommand: Command = {
  name: 'rules',
  summary: 'List the practice standards rules, or run a sweep by hand',
  help: `Usage:
  kestrel rules list [--format table|json]
  kestrel rules run [--as-of ISO] [--rule ID] [--full]

list  every rule: id, title, source tag, citation and parameters with their defaults.
run   evaluates every rule (or one) and stores the findings, printing per rule: ok or the error,
      obligations found, findings opened, changed and closed, and milliseconds. --as-of evaluates
      as at that instant (events dated later count as not yet happened) and stores the result.
      Exits 1 when any rule failed; the others still run.
      --full  the consistency check (also run nightly by the server): the steady sweep first, as the
      schedule runs it, then every rule re-derived at the same instant. Whatever that second pass has
      to open, change or close is a finding the write path left wrong: each is printed as a defect on
      standard error and put right. Exits 1 when any rule differed or failed.`,
  async run(args, config) {
    const [action, ...rest] = args
    const { values } = parseArgs({
      args: rest,
      options: {
        format: { type: 'string', default: 'table' },
        'as-of': { type: 'string' },
        rule: { type: 'string' },
        full: { type: 'boolean', default: false },
      },
    })
    if (action !== 'list' && action !== 'run') throw new UsageError('expected "rules list" or "rules run"')
    if (values.format !== 'table' && values.format !== 'json')
      throw new UsageError('--format must be table or json')
    const asOf = parseAsOf(values['as-of'])
    return withServices(config(), async ({ standards, clock }) => {
      if (action === 'list') {
        const rules = standards.rules().map((rule) => ({
          id: rule.id,
          title: rule.title,
          source: rule.source,
          citation: rule.citation,
          appliesTo: rule.appliesTo,
          severity: rule.severity,
          timeBased: rule.timeBased,
          parameters: Object.fromEntries(
            Object.entries(rule.params as Record<string, ParameterSpec>).map(([name, spec]) => [
              name,
              {
                default: spec.default,
                description: spec.description,
                unit: spec.unit ?? null,
                perBorough: spec.perBorough ?? false,
              },
            ]),
          ),
        }))
        if (values.format === 'json') console.log(JSON.stringify(rules, null, 2))
        else if (rules.length === 0) console.log('No rules are registered.')
        else {
          console.log(
            table([
              ['id', 'source', 'title', 'citation', 'parameters'],
              ...rules.map((r) => [
                r.id,
                r.source,
                r.title,
                r.citation.length > 60 ? `${r.citation.slice(0, 59)}…` : r.citation,
                Object.entries(r.parameters)
                  .map(
                    ([name, p]) =>
                      `${name}=${JSON.stringify(p.default)}${p.perBorough ? ' (per borough)' : ''}`,
                  )
                  .join(', '),
              ]),
            ]),
          )
        }
        return 0
      }
      if (values.rule && !standards.rule(values.rule)) throw new UsageError(`there is no rule ${values.rule}`)
      const ruleIds = values.rule ? [values.rule] : undefined
      if (values.full) {
        const report = await checkConsistency(standards, {
          asOf: asOf ?? clock.now(),
          ...(ruleIds ? { ruleIds } : {}),
        })
        for (const line of describeDifferences(report)) console.error(line)
        console.log(formatResults(report.full))
        console.log(
          report.differences.length
            ? `${report.differences.length} rules differed from their stored findings (put right).`
            : 'Every rule matched its stored findings.',
        )
        return report.differences.length || report.failed.length ? 1 : 0
      }
      const results = await standards.sweep({ asOf, ...(ruleIds ? { ruleIds } : {}) })
      console.log(results.length ? formatResults(results) : 'No rules are registered.')
      return results.every((r) => r.ok) ? 0 : 1
    })
  },
}
