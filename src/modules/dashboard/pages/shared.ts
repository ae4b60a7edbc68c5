import type { AccessLogService } from '../../../platform/access/access-log.ts'
import type { Clock } from '../../../platform/clock.ts'
import type { Database } from '../../../platform/db/database.ts'
import { areaItems, bcusWithRecords } from '../../../platform/http/area-filter.ts'
import { ValidationError } from '../../../platform/http/errors.ts'
import type { Measure } from '../../../platform/measures.ts'
import { londonDate } from '../../../platform/time.ts'
import type { OrganisationService } from '../../organisation/service.ts'
import { boroughsArea, forceArea, type ReportArea, teamArea } from '../areas.ts'
import type { Dashboard } from '../service.ts'
import type { DashboardQuery } from './query.ts'

export const dashboardPath = '/dashboard'

export interface DashboardPageDeps {
  db: Database
  clock: Clock
  accessLog: AccessLogService
  dashboard: Dashboard
  organisation: OrganisationService
  config: { forceName: string }
}

/** The headings the force view groups measures under: each module's part of the service to children. */
const moduleHeadings: Record<string, string> = {
  referrals: 'Referrals (PACs) and the MASH',
  custody: 'Children in custody',
  missing: 'Missing children',
  investigations: 'Investigations',
  triage: 'Seized devices',
  offenders: 'Registered sex offenders',
  online: 'Online child sexual abuse',
  standards: 'Practice standards',
  skills: 'Skills and training',
  recommendations: 'The inspection’s recommendations',
  audits: 'Case file audits',
}

/** The measures grouped by the module that declares them, in the registry's order. */
export function byModule(measures: readonly Measure[]) {
  const groups = new Map<string, Measure[]>()
  for (const m of measures) {
    const module = m.id.slice(0, m.id.indexOf('.'))
    groups.set(module, [...(groups.get(module) ?? []), m])
  }
  return [...groups].map(([module, items]) => ({ module, heading: moduleHeadings[module] ?? module, items }))
}

/** A day as "1 April 2017", for naming the structure a BCU is reported by. */
const dayLabel = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
})

/**
 * The area a view is of and the areas it may be compared with, as the force stood on the query's day
 * (today when not asked): the force, a BCU with the boroughs it held that day, a borough, or a team. An id
 * that is none of these is a 400 naming its field.
 */
export async function areaOf(deps: DashboardPageDeps, asked: DashboardQuery) {
  const today = londonDate(deps.clock.now())
  const on = asked.on ?? today
  const force = await deps.organisation.force()
  const structure = await deps.organisation.areasAt(force.id, on)
  const named = (name: string) =>
    on === today ? name : `${name} (as on ${dayLabel.format(new Date(`${on}T12:00:00Z`))})`
  const bcus = structure.bcus.map((b) =>
    boroughsArea(
      'bcu',
      b.id,
      named(b.name),
      b.boroughs.map((x) => x.id),
    ),
  )
  const commands = structure.boroughCommands.map((b) => boroughsArea('borough', b.id, b.name, [b.id]))
  const boroughs = (await deps.organisation.boroughs(force.id)).map((b) =>
    boroughsArea('borough', b.id, b.name, [b.id]),
  )
  // Compared side by side: the BCUs of the day with any boroughs still commanded on their own, or every borough.
  const compared = asked.structure === 'borough' ? boroughs : [...bcus, ...commands]
  const base = { on, today, bcus, boroughs, compared, forceName: deps.config.forceName }
  if (asked.bcu) {
    const area = bcus.find((b) => b.id === asked.bcu)
    if (!area) throw new ValidationError([{ field: 'bcu', reason: 'is not a BCU of this force' }])
    return { ...base, area }
  }
  if (asked.borough) {
    const area = boroughs.find((b) => b.id === asked.borough)
    if (!area) throw new ValidationError([{ field: 'borough', reason: 'is not a borough of this force' }])
    return { ...base, area }
  }
  if (asked.team) {
    const team = await deps.organisation.team(asked.team)
    if (!team || team.forceId !== force.id)
      throw new ValidationError([{ field: 'team', reason: 'is not a team of this force' }])
    return { ...base, area: teamArea(team.id, team.name) }
  }
  return { ...base, area: forceArea(deps.config.forceName) }
}

/** The measures a view of an area shows: a team's view only those that can be cut by team. */
export function measuresFor(area: ReportArea, measures: readonly Measure[]): readonly Measure[] {
  return area.kind === 'team' ? measures.filter((m) => m.dimensions.includes('team')) : measures
}

/**
 * The area chooser's options, grouped: the force, the BCUs of the structure's day, the boroughs, the teams.
 * The BCUs and boroughs with records come first in their group, the others saying they have none.
 */
export function areaChoices(
  areas: Awaited<ReturnType<typeof areaOf>>,
  teams: readonly { id: string; name: string }[],
  boroughsWithRecords: ReadonlySet<string>,
) {
  const { area } = areas
  const selected = `${area.kind}:${area.id}`
  const named = (list: readonly ReportArea[]) =>
    list.map((a) => ({ id: a.id as string, name: a.name, boroughIds: a.boroughIds ?? [] }))
  const bcus = named(areas.bcus)
  return [
    { label: 'The force', items: [{ value: '', text: areas.forceName, selected: area.kind === 'force' }] },
    {
      label: 'BCUs',
      items: areaItems(bcus, bcusWithRecords(bcus, boroughsWithRecords), {
        selected,
        valueFor: (id) => `bcu:${id}`,
      }),
    },
    {
      label: 'Boroughs',
      items: areaItems(named(areas.boroughs), boroughsWithRecords, {
        selected,
        valueFor: (id) => `borough:${id}`,
      }),
    },
    {
      label: 'Teams',
      items: teams.map((t) => ({
        value: `team:${t.id}`,
        text: t.name,
        selected: selected === `team:${t.id}`,
      })),
    },
  ]
}

/**
 * The go-lives a trend marks: every BCU's for the force, a BCU's own, the day a borough joined its first BCU;
 * a team's trend marks none (its records are its own, wherever the boroughs went).
 */
export async function goLivesOf(
  deps: DashboardPageDeps,
  areas: Awaited<ReturnType<typeof areaOf>>,
): Promise<{ day: string; name: string }[]> {
  const { area } = areas
  if (area.kind === 'team') return []
  if (area.kind === 'borough') {
    const first = (await deps.organisation.membershipsOf(area.id as string))[0]
    return first ? [{ day: first.effectiveFrom, name: `${area.name} joined ${first.bcuName}` }] : []
  }
  const force = await deps.organisation.force()
  const [goLives, bcus] = await Promise.all([
    deps.organisation.bcuGoLives(force.id),
    deps.organisation.bcus(force.id),
  ])
  return bcus
    .filter((b) => area.kind === 'force' || b.id === area.id)
    .flatMap((b) => {
      const day = goLives.get(b.id)
      return day ? [{ day, name: `${b.name} went live` }] : []
    })
}

/** "Central West went live" or, for several in one month, the names joined. */
export function goLiveText(names: readonly string[]): string {
  if (names.length === 1) return names[0] as string
  return `${names.slice(0, -1).join('; ')} and ${names.at(-1)}`
}
