import { type Expression, type RawBuilder, sql } from 'kysely'

/**
 * The state of an obligation at an instant, defined once. Evaluation derives it in JavaScript (a rule that
 * returns rows, and findings computed as of a past instant) and in SQL (the set-wise comparison with the
 * stored findings); both are built from the table below, so they cannot disagree. finding-state.test.ts
 * runs both on the same cases against the database.
 */

export type ObligationState = 'due' | 'breached' | 'met' | 'met_late'

export interface ObligationTimes {
  startedAt: Date
  dueAt: Date | null
  metAt: Date | null
}

/** The SQL columns (or expressions) holding an obligation's times. */
export interface ObligationColumns {
  startedAt: Expression<Date>
  dueAt: Expression<Date | null>
  metAt: Expression<Date | null>
}

/** One test on an obligation's times at asOf, in both languages. Null times fail every comparison. */
interface Test {
  js(o: ObligationTimes, asOf: Date): boolean
  sql(o: ObligationColumns, asOf: Date): RawBuilder<boolean>
}

const tests = {
  /** Started after asOf: not there yet. */
  notStarted: {
    js: (o, asOf) => o.startedAt > asOf,
    sql: (o, asOf) => sql<boolean>`${o.startedAt} > ${asOf}`,
  },
  /** Met at or before asOf: a meeting dated after asOf has not happened. */
  met: {
    js: (o, asOf) => o.metAt !== null && o.metAt <= asOf,
    sql: (o, asOf) => sql<boolean>`${o.metAt} <= ${asOf}`,
  },
  metAfterDue: {
    js: (o) => o.metAt !== null && o.dueAt !== null && o.metAt > o.dueAt,
    sql: (o) => sql<boolean>`${o.metAt} > ${o.dueAt}`,
  },
  /** No due time: a rule that finds a missing step, breached from its start. */
  noDueTime: {
    js: (o) => o.dueAt === null,
    sql: (o) => sql<boolean>`${o.dueAt} is null`,
  },
  /** At the due time exactly it is breached. */
  pastDue: {
    js: (o, asOf) => o.dueAt !== null && asOf >= o.dueAt,
    sql: (o, asOf) => sql<boolean>`${asOf} >= ${o.dueAt}`,
  },
} satisfies Record<string, Test>

type TestName = keyof typeof tests

/**
 * The conditions, in order: the first whose tests all pass gives the state (null: not started). The last,
 * with no tests, is the otherwise.
 */
export const stateConditions: readonly { state: ObligationState | null; when: readonly TestName[] }[] = [
  { state: null, when: ['notStarted'] },
  { state: 'met_late', when: ['met', 'metAfterDue'] },
  { state: 'met', when: ['met'] },
  { state: 'breached', when: ['noDueTime'] },
  { state: 'breached', when: ['pastDue'] },
  { state: 'due', when: [] },
]

/** The states in which a breach began: at the due time, or at the start for an obligation breached on sight. */
export const breachedStates: readonly ObligationState[] = ['breached', 'met_late']

/** The state at `asOf`, or undefined when the obligation has not started yet. */
export function obligationState(o: ObligationTimes, asOf: Date): ObligationState | undefined {
  for (const { state, when } of stateConditions) {
    if (when.every((name) => tests[name].js(o, asOf))) return state ?? undefined
  }
  throw new Error('stateConditions must end with an otherwise')
}

/** The same as obligationState, as a SQL expression over the obligation's columns: null when not started. */
export function obligationStateSql(o: ObligationColumns, asOf: Date): RawBuilder<ObligationState | null> {
  const otherwise = stateConditions.at(-1)
  if (!otherwise || otherwise.when.length) throw new Error('stateConditions must end with an otherwise')
  const cases = stateConditions.slice(0, -1).map(
    ({ state, when }) =>
      sql`when ${sql.join(
        when.map((name) => tests[name].sql(o, asOf)),
        sql` and `,
      )} then ${stateLiteral(state)}`,
  )
  return sql<ObligationState | null>`(case ${sql.join(cases, sql` `)} else ${stateLiteral(otherwise.state)} end)`
}

/** When the breach began, or null when the obligation is not breached. */
export function breachedAtOf(o: ObligationTimes, state: ObligationState): Date | null {
  return breachedStates.includes(state) ? (o.dueAt ?? o.startedAt) : null
}

/** The same as breachedAtOf, in SQL, given the state as derived by obligationStateSql. */
export function breachedAtSql(
  o: ObligationColumns,
  state: Expression<ObligationState | null>,
): RawBuilder<Date | null> {
  return sql<Date | null>`(case when ${state} in (${sql.join(breachedStates.map(stateLiteral))})
    then coalesce(${o.dueAt}, ${o.startedAt}) end)`
}

function stateLiteral(state: ObligationState | null) {
  return state === null ? sql`cast(null as text)` : sql.lit(state)
}
