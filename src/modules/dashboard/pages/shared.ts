import type { AccessLogService } from '../../../platform/access/access-log.ts'
import type { Clock } from '../../../platform/clock.ts'
import type { Measure } from '../../../platform/measures.ts'
import type { OrganisationService } from '../../organisation/service.ts'
import type { Dashboard } from '../service.ts'

export const dashboardPath = '/dashboard'

export interface DashboardPageDeps {
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

/** The area chosen: the force, or one of its BCUs (an id that is not one is a 400 naming the field). */
export async function areaOf(deps: DashboardPageDeps, bcuId: string | undefined) {
  const bcus = await deps.dashboard.bcus()
  if (!bcuId) return { bcu: null, name: deps.config.forceName, bcus }
  const bcu = bcus.find((b) => b.id === bcuId)
  if (!bcu) return undefined
  return { bcu, name: bcu.name, bcus }
}
