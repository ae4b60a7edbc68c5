import { sql } from 'kysely'
import type { Executor } from '../../../platform/db/database.ts'
import type { Measure } from '../../../platform/measures.ts'
import { type Month, periodOf } from '../months.ts'

/** The key a force-wide figure is stored under (a key column cannot be null). */
const forceKey = '00000000-0000-0000-0000-000000000000'

/** One measure's value for one month, force-wide (`bcuId` null) or for a BCU, and when it was computed. */
export interface Figure {
  measureId: string
  bcuId: string | null
  month: Month
  value: number | null
  over: number
  computedAt: Date
}

export interface FigureRequest {
  measures: readonly Measure[]
  /** null is the force as a whole. */
  bcuIds: readonly (string | null)[]
  months: readonly Month[]
}

const keyOf = (measureId: string, bcuId: string | null, month: Month) =>
  `${measureId}|${bcuId ?? ''}|${month}`

/**
 * The figures asked for: those stored and younger than `maxAgeMs` as they are, the rest taken now from the
 * measure (through `q`) and stored. So a page is as fast as a read once its figures exist, and says when
 * each was computed.
 */
export async function figures(
  q: Executor,
  asked: FigureRequest,
  now: Date,
  maxAgeMs: number,
): Promise<Map<string, Figure>> {
  const out = new Map<string, Figure>()
  if (!asked.measures.length || !asked.bcuIds.length || !asked.months.length) return out
  const rows = await q
    .selectFrom('measure_value')
    .selectAll()
    .where(
      'measure_id',
      'in',
      asked.measures.map((m) => m.id),
    )
    .where(
      'bcu_key',
      'in',
      asked.bcuIds.map((b) => b ?? forceKey),
    )
    .where('month', 'in', [...asked.months])
    .execute()
  const fresh = now.getTime() - maxAgeMs
  for (const r of rows) {
    if (r.computed_at.getTime() < fresh) continue
    const bcuId = r.bcu_key === forceKey ? null : r.bcu_key
    out.set(keyOf(r.measure_id, bcuId, r.month), {
      measureId: r.measure_id,
      bcuId,
      month: r.month,
      value: r.value,
      over: r.over,
      computedAt: r.computed_at,
    })
  }
  for (const measure of asked.measures)
    for (const bcuId of asked.bcuIds)
      for (const month of asked.months) {
        if (out.has(keyOf(measure.id, bcuId, month))) continue
        const taken = await measure.take(q, { ...periodOf(month), bcuId })
        // A measure answers a count or a share; NaN or infinity would be a fault in it, stored as no data.
        const value = taken.value !== null && Number.isFinite(taken.value) ? taken.value : null
        await sql`insert into measure_value (measure_id, bcu_key, month, value, over, computed_at)
          values (${measure.id}, ${bcuId ?? forceKey}::uuid, ${month}, ${value}, ${taken.over}, ${now})
          on conflict (measure_id, bcu_key, month)
          do update set value = excluded.value, over = excluded.over, computed_at = excluded.computed_at`.execute(
          q,
        )
        out.set(keyOf(measure.id, bcuId, month), {
          measureId: measure.id,
          bcuId,
          month,
          value,
          over: taken.over,
          computedAt: now,
        })
      }
  return out
}

/** The stored or new figure for one measure, area and month, from what `figures` answered. */
export function figureOf(found: Map<string, Figure>, measureId: string, bcuId: string | null, month: Month) {
  return found.get(keyOf(measureId, bcuId, month))
}
