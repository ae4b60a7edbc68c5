import { parseArgs } from 'node:util'
import { findingJson } from '../standards/routes.ts'
import type { Command } from './command.ts'
import { UsageError } from './main.ts'
import { parseAsOf, withServices } from './rules.ts'

const columns = [
  'ruleId',
  'subjectKind',
  'subjectRef',
  'subjectId',
  'status',
  'openedAt',
  'dueAt',
  'breachedAt',
  'closedAt',
  'boroughId',
  'bcuId',
  'assigneeTeamId',
  'assigneeStaffId',
  'detail',
] as const

function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value)
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export const findingsCommand: Command = {
  name: 'findings',
  summary: 'List findings, stored or as at an instant',
  help: `Usage: kestrel findings [--as-of ISO] [--rule ID] [--subject-ref REF] [--format json|csv] [--as NAME]

Without --as-of: the stored findings (open and closed). With --as-of: findings computed from the data
as it stood at that instant (events dated later count as not yet happened), without storing anything,
so "what was late at 09:00 on 1 August 2018?" is
  kestrel findings --as-of 2018-08-01T09:00:00+01:00
Each finding: rule id, subject kind, ref and id, status, opened, due, breached, closed, area (borough and
BCU ids), assignee (team and staff ids) and detail. JSON by default. An operator acts for the force: every
finding is listed, and the listing is written to the access log as one entry naming the command and every
finding it printed.
  --as NAME   whom the access log records as reading (default: "findings")`,
  async run(args, config) {
    const { values } = parseArgs({
      args,
      options: {
        'as-of': { type: 'string' },
        rule: { type: 'string' },
        'subject-ref': { type: 'string' },
        format: { type: 'string', default: 'json' },
        as: { type: 'string' },
      },
    })
    if (values.format !== 'json' && values.format !== 'csv')
      throw new UsageError('--format must be json or csv')
    const asOf = parseAsOf(values['as-of'])
    if (values.as !== undefined && !values.as.trim()) throw new UsageError('--as needs a name')
    return withServices(config(), async ({ standards }) => {
      if (values.rule && !standards.rule(values.rule)) throw new UsageError(`there is no rule ${values.rule}`)
      const filter = {
        ...(values.rule ? { ruleId: values.rule } : {}),
        ...(values['subject-ref'] ? { subjectRef: values['subject-ref'] } : {}),
        limit: 1_000_000,
      }
      const found = asOf
        ? (await standards.findingsAt(asOf, filter)).findings
        : await standards.listFindings(filter)
      // Logged before printing: nothing is shown that the log does not name.
      const operator = values.as ?? 'findings'
      await standards.logListRead(
        { actorId: operator, actorName: operator, query: ['kestrel findings', ...args].join(' ') },
        found,
        asOf ? { asOf: asOf.toISOString() } : undefined,
      )
      const findings = found.map(findingJson)
      if (values.format === 'json') console.log(JSON.stringify(findings, null, 2))
      else {
        console.log(columns.join(','))
        for (const f of findings) console.log(columns.map((c) => csvCell(f[c])).join(','))
      }
      return 0
    })
  },
}
