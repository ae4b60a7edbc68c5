import { type RawBuilder, sql } from 'kysely'
import type { Principal } from './auth/principal.ts'
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
   * records declare `recordsBehind` instead.
   */
  findingsBehind?(scope: MeasureScope): RawBuilder<{ id: string }>
  /** The module's own records the figure was taken over (its `over`), for a measure over records. */
  recordsBehind?: RecordsBehind
}

/**
 * One record behind a figure, as the dashboard lists it. `counted` says, for a share, whether the record is
 * one its numerator counts (null for a count or a median, where every record is counted alike); `visible`
 * whether the reader's need to know reaches it, decided by the owning module's own condition.
 */
export interface RecordBehind {
  id: string
  ref: string
  summary: string
  borough_id: string | null
  at: Date | null
  href: string
  counted: boolean | null
  visible: boolean
}

/**
 * The records a module measure's figure was taken over, declared beside the measure in the owning module and
 * built from the same SQL its `take` counts, so the list and the figure cannot drift apart. `query` may read
 * the rules' parameters as configured for the scope (through `q`) and narrows visibility as the module's
 * own list pages do for `reader` (a custody suite's staff to their suites, a frontline officer to their
 * online cases). One row per record counted, in the order they are best read.
 */
export interface RecordsBehind {
  /** As the access log names the kind of record listed (`id` of each row): 'pac', 'missing-episode'. */
  kind: string
  /** What the records are, for the list's heading: 'returns from missing', and one of them: 'return from missing'. */
  noun: string
  nounOne: string
  /** For a share, what a counted record is: 'interviewed in time'. */
  countedAs?: string
  query(q: Executor, scope: MeasureScope, reader: Principal): Promise<RawBuilder<RecordBehind>>
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

/**
 * The columns of a `RecordBehind` row, named as the dashboard reads them, from a module's own expressions:
 * each module's `recordsBehind` selects these over the same rows its measure counts.
 */
export function recordBehindColumns(columns: {
  id: RawBuilder<unknown> | string
  ref: RawBuilder<unknown> | string
  summary: RawBuilder<unknown>
  borough: RawBuilder<unknown> | string
  at: RawBuilder<unknown> | string
  /** The page of one record: a path prefix the id is appended to, or an expression of the whole path. */
  href: string | RawBuilder<unknown>
  counted?: RawBuilder<boolean>
  visible: RawBuilder<unknown>
}) {
  const ref = (c: RawBuilder<unknown> | string) => (typeof c === 'string' ? sql.ref(c) : c)
  const href =
    typeof columns.href === 'string' ? sql`${columns.href}::text || ${ref(columns.id)}::text` : columns.href
  return sql`${ref(columns.id)}::text as id, ${ref(columns.ref)}::text as ref, ${columns.summary}::text as summary,
    ${ref(columns.borough)}::text as borough_id, ${ref(columns.at)} as at, ${href} as href,
    ${columns.counted ?? sql`null::boolean`} as counted, coalesce(${columns.visible}, false) as visible`
}
