import type { Executor } from '../../platform/db/database.ts'
import type { Measure } from '../../platform/measures.ts'
import type { CustodyDeps } from './service/dependencies.ts'
import { custodyMeasures } from './service/measures.ts'

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
    },
  ]
}
