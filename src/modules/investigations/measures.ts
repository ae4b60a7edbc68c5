import type { Clock } from '../../platform/clock.ts'
import { type Measure, shareOf } from '../../platform/measures.ts'
import type { OrganisationService } from '../organisation/service.ts'
import { measuresOf } from './service/measures.ts'

/** The investigations module's measures for the dashboard: quality of practice, not volume. */
export function investigationsModuleMeasures(
  clock: Clock,
  organisation: Pick<OrganisationService, 'teamsSql'>,
): readonly Measure[] {
  return [
    {
      id: 'investigations.children-spoken-to',
      title: 'Children seen and spoken to',
      counts:
        'Of the children (as child, victim or witness) in investigations opened in the period, the share recorded as seen and spoken to',
      unit: 'share',
      higherIsBetter: true,
      dimensions: ['area'],
      source: 'INV-05; the report: officers and staff do not always see and speak to the child',
      async take(q, { from, until, boroughIds }) {
        const result = await measuresOf(q, clock, organisation).childrenSpokenToShare(from, until, {
          boroughIds,
        })
        return shareOf(result.spokenTo, result.children)
      },
    },
    {
      id: 'investigations.strategy-with-health',
      title: 'Strategy discussions with health',
      counts: 'Of the strategy discussions held in the period, the share in which health took part',
      unit: 'share',
      higherIsBetter: true,
      dimensions: ['area'],
      source: 'INV-02; Working Together: social care, health and police in every strategy discussion',
      async take(q, { from, until, boroughIds }) {
        const result = await measuresOf(q, clock, organisation).strategyWithHealthShare(from, until, {
          boroughIds,
        })
        return shareOf(result.withHealth, result.discussions)
      },
    },
    {
      id: 'investigations.days-since-review',
      title: 'Days since the last supervisory review',
      counts:
        'Median days since the last supervisory review (or the opening, if none) over investigations open at the end of the period',
      unit: 'days',
      higherIsBetter: false,
      dimensions: ['area'],
      source: 'INV-04; the report found supervision that did not challenge drift',
      async take(q, { until, boroughIds }) {
        const result = await measuresOf(q, clock, organisation).medianDaysSinceReview(until, { boroughIds })
        return { value: result.days, over: result.open }
      },
    },
  ]
}
