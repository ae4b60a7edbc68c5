import { type RawBuilder, sql } from 'kysely'
import type { Executor } from '../../platform/db/database.ts'
import { type Measure, type RecordsBehind, recordBehindColumns } from '../../platform/measures.ts'
import { detentionKind } from './access.ts'
import { custodyPath } from './pages/shared.ts'
import { type CustodyDeps, reachFor } from './service/dependencies.ts'
import { custodyMeasures, detentionFacts } from './service/measures.ts'

/**
 * The detentions both measures are taken over: children charged and refused bail who left custody, from the
 * same facts the measures count; visible as the custody pages' need to know reaches (a suite's staff their
 * suite's). `counted` marks those the share counts, when it is one.
 */
const chargedAndKept = (countedAs?: string, counted?: RawBuilder<boolean>): RecordsBehind => ({
  kind: detentionKind.kind,
  noun: 'detentions of children charged and refused bail',
  nounOne: 'detention of a child charged and refused bail',
  countedAs,
  async query(q, scope, reader) {
    const reach = await reachFor(q, reader)
    return sql`select ${recordBehindColumns({
      id: 'd.id',
      ref: 'd.ref',
      summary: sql`coalesce(round(f.after_charge::numeric, 1)::text || ' hours held after charge, left for ' || replace(f.destination, '_', ' '), '')`,
      borough: 'd.borough_id',
      at: 'd.arrested_at',
      href: `${custodyPath}/detentions/`,
      counted,
      visible: detentionKind.where(reach, 'd'),
    })} from (${detentionFacts(scope)}) f join custody_detention d on d.id = f.id
      where f.refused and f.left_at is not null`
  },
})

/** The custody module's measures for the dashboard, over detentions with an arrest in the period. */
export function custodyModuleMeasures(deps: Pick<CustodyDeps, 'organisationOn'>): readonly Measure[] {
  // The whole period's row (or the area's, when one is asked for): the query's grand total.
  const total = async (q: Executor, from: Date, until: Date, boroughIds: readonly string[] | null) => {
    const rows = await custodyMeasures(q, deps, { from, until, boroughIds })
    return rows.find((r) => r.level === 'force')
  }
  return [
    {
      id: 'custody.hours-held-after-charge',
      title: 'Time children were held after charge and refusal of bail',
      counts:
        'Median hours from charge to leaving custody, over children charged and refused bail who left custody, for detentions with an arrest in the period',
      unit: 'hours',
      higherIsBetter: false,
      dimensions: ['area'],
      source: 'CUS-07 to CUS-09; the report found children held in custody for days after charge',
      async take(q, { from, until, boroughIds }) {
        const row = await total(q, from, until, boroughIds)
        return { value: row?.medianHoursHeldAfterCharge ?? null, over: row?.chargedRefusedBail ?? 0 }
      },
      recordsBehind: chargedAndKept(),
    },
    {
      id: 'custody.transferred-after-charge',
      title: 'Children transferred to local authority accommodation after charge',
      counts:
        'Of the children charged and refused bail who left custody, the share who left for local authority accommodation (secure or not), for detentions with an arrest in the period',
      unit: 'share',
      higherIsBetter: true,
      dimensions: ['area'],
      source: 'PACE s38(6); the report: children "transferred ... in only two of the 29 relevant cases"',
      async take(q, { from, until, boroughIds }) {
        const row = await total(q, from, until, boroughIds)
        return { value: row?.transferredShare ?? null, over: row?.chargedRefusedBail ?? 0 }
      },
      recordsBehind: chargedAndKept(
        'transferred to local authority accommodation',
        sql<boolean>`f.transferred`,
      ),
    },
  ]
}
