import { sql } from 'kysely'
import type { Executor } from '../../../platform/db/database.ts'
import type { Measure } from '../../../platform/measures.ts'
import type { ReportArea } from '../areas.ts'
import { type Month, periodOf } from '../months.ts'

/** The part of an area a figure needs: its key, and the boroughs or team its measure is taken over. */
export type FigureArea = Pick<ReportArea, 'key' | 'boroughIds' | 'teamId'>

/** One measure's value for one month and area (by its key), and when it was computed. */
export interface Figure {
  measureId: string
  areaKey: string
  month: Month
  value: number | null
  over: number
  computedAt: Date
}

export interface FigureRequest {
  measures: readonly Measure[]
  areas: readonly FigureArea[]
  months: readonly Month[]
}

const keyOf = (measureId: string, areaKey: string, month: Month) => `${measureId}|${areaKey}|${month}`

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
  if (!asked.measures.length || !asked.areas.length || !asked.months.length) return out
  const rows = await q
    .selectFrom('measure_value')
    .selectAll()
    .where(
      'measure_id',
      'in',
      asked.measures.map((m) => m.id),
    )
    .where(
      'area_key',
      'in',
      asked.areas.map((a) => a.key),
    )
    .where('month', 'in', [...asked.months])
    .execute()
  const fresh = now.getTime() - maxAgeMs
  for (const r of rows) {
    if (r.computed_at.getTime() < fresh) continue
    out.set(keyOf(r.measure_id, r.area_key, r.month), {
      measureId: r.measure_id,
      areaKey: r.area_key,
      month: r.month,
      value: r.value,
      over: r.over,
      computedAt: r.computed_at,
    })
  }
  for (const measure of asked.measures)
    for (const area of asked.areas)
      for (const month of asked.months) {
        if (out.has(keyOf(measure.id, area.key, month))) continue
        // A measure not cut by team would answer the force's figure for a team: it has none.
        if (area.teamId && !measure.dimensions.includes('team')) continue
        const taken = await measure.take(q, {
          ...periodOf(month),
          boroughIds: area.boroughIds,
          teamId: area.teamId,
        })
        // A measure answers a count or a share; NaN or infinity would be a fault in it, stored as no data.
        const value = taken.value !== null && Number.isFinite(taken.value) ? taken.value : null
        await sql`insert into measure_value (measure_id, area_key, month, value, over, computed_at)
          values (${measure.id}, ${area.key}, ${month}, ${value}, ${taken.over}, ${now})
          on conflict (measure_id, area_key, month)
          do update set value = excluded.value, over = excluded.over, computed_at = excluded.computed_at`.execute(
          q,
        )
        out.set(keyOf(measure.id, area.key, month), {
          measureId: measure.id,
          areaKey: area.key,
          month,
          value,
          over: taken.over,
          computedAt: now,
        })
      }
  return out
}

/** The stored or new figure for one measure, area and month, from what `figures` answered. */
export function figureOf(found: Map<string, Figure>, measureId: string, area: FigureArea, month: Month) {
  return found.get(keyOf(measureId, area.key, month))
}
