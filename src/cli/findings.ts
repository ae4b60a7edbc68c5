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
  'borough',
  'boroughId',
  'bcu',
  'bcuId',
  'assigneeTeam',
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
BCU, each by name and id), assignee (team by name and id, staff id) and detail. JSON by default. An operator acts for the force: every
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
    return withServices(config(), async ({ standards, organisation }) => {
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
      // Names for people to read, beside the ids for joining (a database with no force has no names).
      const force = await organisation.force().catch(() => undefined)
      const [boroughs, bcus, teams] = force
        ? await Promise.all([
            organisation.boroughs(force.id),
            organisation.bcus(force.id),
            organisation.teams(force.id),
          ])
        : [[], [], []]
      const nameOf = (areas: readonly { id: string; name: string }[]) => {
        const names = new Map(areas.map((a) => [a.id, a.name]))
        return (id: string | null) => (id ? (names.get(id) ?? '') : '')
      }
      const [borough, bcu, team] = [nameOf(boroughs), nameOf(bcus), nameOf(teams)]
      const findings = found.map((f) => {
        const json = findingJson(f)
        return {
          ...json,
          borough: borough(json.boroughId),
          bcu: bcu(json.bcuId),
          assigneeTeam: team(json.assigneeTeamId),
        }
      })
      if (values.format === 'json') console.log(JSON.stringify(findings, null, 2))
      else {
        console.log(columns.join(','))
        for (const f of findings) console.log(columns.map((c) => csvCell(f[c])).join(','))
      }
      return 0
    })
  },
}
