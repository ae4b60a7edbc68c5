import { sql } from 'kysely'
import { reachOf } from '../../platform/access/need-to-know.ts'
import type { Principal } from '../../platform/auth/principal.ts'
import type { Clock } from '../../platform/clock.ts'
import { type Measure, recordBehindColumns, shareOf } from '../../platform/measures.ts'
import type { OrganisationService } from '../organisation/service.ts'
import { investigationKind } from './access.ts'
import { investigationsPath } from './pages/shared.ts'
import {
  childrenIn,
  daysSinceReview,
  healthTookPart,
  measuresOf,
  openAt,
  strategyHeldIn,
} from './service/measures.ts'

/** Visible as the investigation pages' need to know reaches, on the investigation (alias `i`). */
const visibleTo = (reader: Principal) => investigationKind.where(reachOf(reader), 'i')

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
      recordsBehind: {
        kind: investigationKind.kind,
        noun: 'children in investigations opened',
        nounOne: 'child in an investigation opened',
        countedAs: 'seen and spoken to',
        async query(_q, { from, until, boroughIds }, reader) {
          return sql`select ${recordBehindColumns({
            id: 'i.id',
            ref: 'i.ref',
            summary: sql`'A ' || p.role || coalesce(', ' || p.ref, '')`,
            borough: 'i.borough_id',
            at: 'i.opened_at',
            href: sql`${`${investigationsPath}/`}::text || i.id::text || '/people'`,
            counted: sql<boolean>`p.spoken_to`,
            visible: visibleTo(reader),
          })} from investigation_person p join investigation i on i.id = p.investigation_id
            where ${childrenIn(from, until, { boroughIds })}`
        },
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
      recordsBehind: {
        kind: investigationKind.kind,
        noun: 'strategy discussions held',
        nounOne: 'strategy discussion held',
        countedAs: 'with health taking part',
        async query(_q, { from, until, boroughIds }, reader) {
          return sql`select ${recordBehindColumns({
            id: 'i.id',
            ref: 'i.ref',
            summary: sql`'Strategy discussion ' || coalesce(s.ref, '')`,
            borough: 'i.borough_id',
            at: 's.held_at',
            href: sql`${`${investigationsPath}/`}::text || i.id::text || '/strategy'`,
            counted: healthTookPart,
            visible: visibleTo(reader),
          })} from strategy_discussion s join investigation i on i.id = s.investigation_id
            where ${strategyHeldIn(from, until, { boroughIds })}`
        },
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
      recordsBehind: {
        kind: investigationKind.kind,
        noun: 'investigations open',
        nounOne: 'investigation open',
        async query(_q, { until, boroughIds }, reader) {
          return sql`select ${recordBehindColumns({
            id: 'i.id',
            ref: 'i.ref',
            summary: sql`${daysSinceReview(until)}::int::text || ' days since the last review'`,
            borough: 'i.borough_id',
            at: 'i.opened_at',
            href: `${investigationsPath}/`,
            visible: visibleTo(reader),
          })} from investigation i where ${openAt(until, { boroughIds })}`
        },
      },
    },
  ]
}
