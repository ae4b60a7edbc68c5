import { type RawBuilder, sql } from 'kysely'
import type { Executor } from './db/database.ts'

/** How a measure's value reads: a share of records (0 to 1), a count, or a median in hours or days. */
export type MeasureUnit = 'share' | 'count' | 'hours' | 'days'

/**
 * The cuts a measure can be taken by besides its period: every measure by area (a set of boroughs, so any
 * structure on any day can be reported); a measure whose records name a team may also be taken for one team.
 */
export type MeasureDimension = 'area' | 'team'

/**
 * Where and when a measure is taken: the records of [from, until) (or, for a measure of what stands at an
 * instant, as at `until`) whose borough is one of `boroughIds` (null: the whole force). A record's borough is
 * where it happened, so a BCU is the boroughs it holds on the day asked, and a report for 2017 by today's
 * BCUs and one for today by the old borough commands both come from the same records. `teamId`, when set,
 * keeps a measure declaring the team dimension to that team's records.
 */
export interface MeasureScope {
  from: Date
  until: Date
  boroughIds: readonly string[] | null
  teamId?: string | null
}

/**
 * The one SQL condition that keeps a measure to its scope's area: `column` names the borough of the record
 * counted (`f.borough_id`). No borough at all counts nothing; the force counts everything.
 */
export function inAreaSql(column: string, boroughIds: readonly string[] | null): RawBuilder<boolean> {
  if (boroughIds === null) return sql<boolean>`true`
  if (boroughIds.length === 0) return sql<boolean>`false`
  return sql<boolean>`${sql.ref(column)} in (${sql.join(boroughIds.map((id) => sql`${id}::uuid`))})`
}

/** A measure's value (null when there is nothing to take it over) and how many records it was taken over. */
export interface MeasureResult {
  value: number | null
  over: number
}

/**
 * One measure of the service a force gives children, declared by the module that owns its records (in its
 * manifest), so the dashboard reads every module's measures through one registry and a new module's appear
 * without dashboard code. `take` reads through the executor given and the force's configured parameters.
 */
export interface Measure {
  /** The owning module's name, a dot, then a name: `missing.prevention-interview-in-time`. */
  id: string
  title: string
  /** What it counts, in a sentence a leader can check a figure against. */
  counts: string
  unit: MeasureUnit
  higherIsBetter: boolean
  dimensions: readonly MeasureDimension[]
  /** Where the standard comes from: the report's finding or the rule it follows. */
  source: string
  take(q: Executor, scope: MeasureScope): Promise<MeasureResult>
  /**
   * The findings the figure was taken over (its `over`), as a query of their ids, so a leader can open the
   * records behind it (each reader sees those their need to know reaches). Measures of a module's own
   * records do not drill down yet.
   */
  findingsBehind?(scope: MeasureScope): RawBuilder<{ id: string }>
}

/** A share of `of` records, null when there are none: the value and its base together. */
export function shareOf(count: number, of: number): MeasureResult {
  return { value: of ? count / of : null, over: of }
}

/** Every module's measures, registered as the application is built, looked up by id. */
export function measureRegistry() {
  const measures = new Map<string, Measure>()
  return {
    register(module: string, measure: Measure) {
      if (!measure.id.startsWith(`${module}.`))
        throw new Error(`Measure ${measure.id} of module ${module} must be named ${module}.<name>`)
      if (measures.has(measure.id)) throw new Error(`Two measures are named ${measure.id}`)
      measures.set(measure.id, measure)
    },
    all: (): readonly Measure[] => [...measures.values()],
    get: (id: string) => measures.get(id),
  }
}

export type MeasureRegistry = ReturnType<typeof measureRegistry>
