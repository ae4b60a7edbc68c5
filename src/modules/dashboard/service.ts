import type { Clock } from '../../platform/clock.ts'
import type { Database } from '../../platform/db/database.ts'
import { boroughsWithRecords } from '../../platform/http/area-filter.ts'
import type { ScheduledJob } from '../../platform/jobs.ts'
import type { Measure, MeasureRegistry } from '../../platform/measures.ts'
import type { OrganisationService } from '../organisation/service.ts'
import { boroughsArea, forceArea, type ReportArea } from './areas.ts'
import { lastCompleteMonth, monthOf, plusMonths } from './months.ts'
import { type FigureRequest, figures } from './service/values.ts'

export interface DashboardDeps {
  db: Database
  clock: Clock
  measures: MeasureRegistry
  organisation: OrganisationService
  /** How old a stored figure may be before a page or the job takes it again. */
  figureMaxAgeMinutes: number
}

/** The dashboard: every module's measures, read only through the registry, by month and area. */
export function dashboardService(deps: DashboardDeps) {
  const maxAgeMs = deps.figureMaxAgeMinutes * 60_000
  /** Each BCU as it stands today, with its boroughs: the areas the job keeps figures for. */
  const bcusToday = async (): Promise<ReportArea[]> => {
    const structure = await deps.organisation.areasAt((await deps.organisation.force()).id, deps.clock.now())
    return structure.bcus.map((b) =>
      boroughsArea(
        'bcu',
        b.id,
        b.name,
        b.boroughs.map((x) => x.id),
      ),
    )
  }
  return {
    /** Every registered measure, in the registry's order (module by module, as the manifests list them). */
    measures: (): readonly Measure[] => deps.measures.all(),
    measure: (id: string) => deps.measures.get(id),
    figureMaxAgeMinutes: deps.figureMaxAgeMinutes,
    figures: (asked: FigureRequest) => figures(deps.db, asked, deps.clock.now(), maxAgeMs),
    /**
     * The boroughs with records, for the area chooser: those any rule has judged a record in (a finding in
     * any state), as every module's records the measures count are judged by its rules.
     */
    boroughsWithRecords: () => boroughsWithRecords(deps.db, 'finding'),
    /**
     * The figures a leader opens first: every measure, the force and each BCU as it stands today, for the month the force view
     * opens on (the last complete one), the month before it that it is set beside, and this month so far.
     */
    async refresh() {
      const now = deps.clock.now()
      await figures(
        deps.db,
        {
          measures: deps.measures.all(),
          areas: [forceArea('force'), ...(await bcusToday())],
          months: [plusMonths(lastCompleteMonth(now), -1), lastCompleteMonth(now), monthOf(now)],
        },
        now,
        maxAgeMs,
      )
    },
  }
}

export type Dashboard = ReturnType<typeof dashboardService>

/** Keeps the figures leaders open first no older than the configured age, so the dashboard opens as fast as a read. */
export function figuresJob(dashboard: Dashboard): ScheduledJob {
  return {
    name: 'dashboard-figures',
    everyMinutes: 60,
    run: () => dashboard.refresh(),
    failed: (error) => console.error(`Dashboard figures failed: ${error.message}`),
  }
}
