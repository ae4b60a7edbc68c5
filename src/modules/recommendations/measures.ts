import type { Executor } from '../../platform/db/database.ts'
import { type Measure, type MeasureResult, type MeasureScope, shareOf } from '../../platform/measures.ts'
import { londonDate } from '../../platform/time.ts'
import type { Rag } from './rag.ts'
import { recommendationsAt } from './service/read.ts'

/*
 * The tracker's measures for the dashboard: of the reports' recommendations made by the end of the period,
 * how many stood on track, and how many complete, as rag.ts judges them then. Recommendations are the
 * force's, not an area's or a team's: they are taken force-wide only, and an area or team asked for has
 * nothing to take them over (no value).
 */

/** Whether the scope is the whole force, however the platform's scope names an area (by BCU or boroughs). */
function forceWide(scope: MeasureScope): boolean {
  const s = scope as { bcuId?: string | null; boroughIds?: readonly string[] | null; teamId?: string | null }
  return !s.bcuId && (s.boroughIds ?? null) === null && !s.teamId
}

function ragShare(id: string, title: string, counts: string, counted: readonly Rag[]): Measure {
  return {
    id: `recommendations.${id}`,
    title,
    counts,
    unit: 'share',
    higherIsBetter: true,
    dimensions: [],
    source:
      'REC-01; the report: "clearly articulated time frames and milestones that are agreed and established, and can be closely monitored"',
    async take(q: Executor, scope: MeasureScope): Promise<MeasureResult> {
      if (!forceWide(scope)) return { value: null, over: 0 }
      // The period's end is exclusive: what stood on its last moment.
      const asOf = new Date(scope.until.getTime() - 1)
      const made = (await recommendationsAt(q, asOf)).filter((r) => r.madeOn <= londonDate(asOf))
      return shareOf(made.filter((r) => counted.includes(r.rag)).length, made.length)
    },
  }
}

export const recommendationsMeasures: readonly Measure[] = [
  ragShare(
    'on-track',
    'Inspection recommendations on track or complete',
    'The share of the 2016 and 2018 reports’ recommendations made by the end of the period that were green or complete then: every milestone passed evidenced and none close without evidence',
    ['green', 'complete'],
  ),
  ragShare(
    'complete',
    'Inspection recommendations complete',
    'The share of the 2016 and 2018 reports’ recommendations made by the end of the period whose every action was complete, with evidence, by then',
    ['complete'],
  ),
]
