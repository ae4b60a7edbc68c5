import { type Expression, type OperationNodeSource, type RawBuilder, sql } from 'kysely'
import { z } from 'zod'
import type { Database } from '../platform/db/database.ts'
import type { WorkingDayCalendar } from './calendar.ts'

/** Where a standard comes from (RULES.md): the law, national guidance, the inspection report, or force policy. */
export type SourceTag = 'statute' | 'guidance' | 'report' | 'local'
export type Severity = 'low' | 'medium' | 'high'

export const sourceLabels: Record<SourceTag, string> = {
  statute: 'Statute',
  guidance: 'Guidance',
  report: 'Inspection report',
  local: 'Force policy',
}

/** A rule's parameter: a default that configuration may change, never a literal in the rule's SQL. */
export interface ParameterSpec<T = unknown> {
  default: T
  description: string
  /** Shown beside the value: 'hours', 'working days', ... */
  unit?: string
  /** RULES.md says boroughs may set their own value (REF-04's BRAG timescales). */
  perBorough?: boolean
  /** Validates a new value; without one, a value must have the default's type (numbers finite and ≥ 0). */
  schema?: z.ZodType<T>
}

/**
 * One obligation a rule finds on one record: when it started, when it falls due (null: breached on sight),
 * and when it was met (null: not yet). The engine derives due / breached / met / met late at the as-of instant.
 */
export interface ObligationRow {
  /** Defaults to the rule's `appliesTo`; must equal it. */
  subjectKind?: string
  subjectId: string
  /** Tells apart several obligations of one rule on one record (each detention review); default ''. */
  key?: string
  subjectRef?: string | null
  startedAt: Date
  dueAt: Date | null
  metAt: Date | null
  /** What is wrong or owed, in words for the person who must act. */
  detail: string
  boroughId?: string | null
  bcuId?: string | null
  assigneeTeamId?: string | null
  assigneeStaffId?: string | null
}

/**
 * The columns of a set-wise obligations query, one row per obligation; every column must be there (null where
 * it does not apply). The same meanings as ObligationRow; `obligation_key` is '' when a record has one.
 */
export interface ObligationQueryRow {
  subject_id: string
  obligation_key: string
  subject_ref: string | null
  started_at: Date
  due_at: Date | null
  met_at: Date | null
  detail: string
  borough_id: string | null
  bcu_id: string | null
  assignee_team_id: string | null
  assignee_staff_id: string | null
}

/**
 * An obligations query not yet run (a `sql` template or a Kysely select) with the columns of
 * ObligationQueryRow. A rule that returns one lets the engine compare it with the stored findings inside the
 * database, so a sweep reads nothing into JavaScript when nothing changed.
 */
export type ObligationQuery = RawBuilder<ObligationQueryRow> | OperationNodeSource

/** Tells a query a rule returned from the rows of one that ran it itself. */
export function isObligationQuery(value: unknown): value is ObligationQuery {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as OperationNodeSource).toOperationNode === 'function'
  )
}

/** Parameter values in force at the as-of instant, force-wide and per borough. */
export interface ResolvedParameters<P> {
  readonly forceWide: P
  /** The values for a record in this borough (a borough's override where it has one). */
  forBorough(boroughId: string | null | undefined): P
  /**
   * A SQL expression for one parameter's value on each row: `case <boroughColumn> when ... else <force> end`,
   * so one set-wise query uses every borough's own value. Numbers come out as double precision.
   */
  sql<K extends keyof P & string>(name: K, boroughColumn?: string | Expression<unknown>): RawBuilder<P[K]>
}

export interface RuleContext<P> {
  /** The evaluation instant: anything dated after it has not happened yet. */
  asOf: Date
  /** Only these records of the rule's kind; undefined means every record. */
  subjects: readonly string[] | undefined
  params: ResolvedParameters<P>
  calendar: WorkingDayCalendar
  /** `column` when it is at or before asOf, else null: events after asOf are treated as not happened. */
  upTo(column: string | Expression<unknown>): RawBuilder<Date | null>
  /** `column = any(subjects)`, or `true` for a full sweep: add it to the query's where clause. */
  subjectFilter(column: string | Expression<unknown>): RawBuilder<boolean>
}

export interface Rule<P extends Record<string, unknown> = Record<string, unknown>> {
  /** The id in RULES.md, exactly: CUS-04. */
  id: string
  title: string
  /** Shown to the user beside each finding. */
  citation: string
  source: SourceTag
  /** The record kind the rule checks, as modules name it: 'custody-detention'. */
  appliesTo: string
  severity: Severity
  params: { [K in keyof P]: ParameterSpec<P[K]> }
  /** True when a finding can change with the passing of time alone: the scheduled sweep re-evaluates it. */
  timeBased: boolean
  /**
   * True when time alone changes the rule's findings only at their due times: every obligation exists from
   * the write that records its start (an event already happened), its due time is fixed by the data and the
   * parameters, and it is met by a recorded event. The steady sweep then reads only the stored findings
   * whose due time has passed (an index) and evaluates those records, instead of deriving every obligation
   * again. A rule with obligations born or ended by the clock (a recurring duty, a rolling window, an
   * anniversary) must leave it unset unless it declares those instants (`clockInstants`); the consistency
   * check would find the difference.
   */
  steadyByDueTimes?: boolean
  /**
   * For a rule swept by its due times whose obligations are also born, met or ended by the clock at other
   * instants the data records (an RSO's notification that starts on a date; a visit recorded ahead of its
   * time; a follow-up owed from another obligation's due time): the records with such an instant in the
   * window (from, to]. The steady sweep evaluates them beside the findings that fell due. A superset is
   * safe (it costs only time); an instant left out is a difference the consistency check reports. `params`
   * are those in force at `to`: a parameter taking effect in the window has its rule derived whole instead.
   */
  clockInstants?(window: {
    from: Date
    to: Date
    params: ResolvedParameters<P>
  }): RawBuilder<{ subject_id: string }>
  /**
   * True when its due times count working days (the `working_day` table): a new calendar moves them with
   * nothing written, so the steady sweep derives such a rule whole once after the calendar changes.
   */
  readsWorkingDays?: boolean
  /**
   * One definition for both the set-wise sweep and single-record evaluation; usually one SQL query. Either
   * run it and return the rows, or answer with the query itself (ObligationQuery, not run), as most rules
   * do: then the engine wraps it and derives, compares with the stored findings and writes them in the
   * database, which is much faster for a sweep and reads nothing into JavaScript when nothing changed. A rule
   * that answers with its query uses `db` only to read what it needs to build it (most ignore it: `_db`).
   * Each rule's SQL is kept in src/standards/sql/<RULE-ID>.sql (sql-snapshots.test.ts), so that a change to
   * it shows in review.
   */
  obligations(db: Database, context: RuleContext<P>): Promise<ObligationRow[] | ObligationQuery>
  /**
   * The tables the rule reads, for the benchmark's baseline (a plain count(*) over them). Optional and only
   * descriptive: the engine does not use it to evaluate.
   */
  tables?: readonly string[]
  /**
   * The other records the rule reads, by table, each with the SQL that maps changed rows of that table (by
   * id) to the subjects whose findings may change: a write of such a row re-evaluates those subjects in the
   * same transaction (`standards.dependentSubjects`), so a finding never waits for a sweep because a record it
   * depends on changed. The consistency check (`kestrel rules run --full`) finds a dependency left out.
   */
  dependsOn?: Readonly<Record<string, (rowIds: readonly string[]) => RawBuilder<{ subject_id: string }>>>
}

/**
 * A `dependsOn` mapping for the common case: the changed rows of `table` bear on the subjects their `column`
 * names (a training record on its member of staff, an episode on its borough).
 */
export const dependency =
  (table: string, column: string) =>
  (rowIds: readonly string[]): RawBuilder<{ subject_id: string }> =>
    sql<{ subject_id: string }>`select distinct cast(${sql.ref(column)} as text) as subject_id
      from ${sql.table(table)} where id = any(cast(${[...rowIds]} as uuid[])) and ${sql.ref(column)} is not null`

/**
 * A `clockInstants` for obligations born at another obligation's due time (a follow-up owed once a reply is
 * late): the records whose stored findings of `obligationKey` under `ruleId` fall due in the window, whatever
 * became of them since (met, or resolved by a supervisor before they fell due). Reads the finding queue's
 * index on due time.
 */
export const dueTimesOf =
  (ruleId: string, obligationKey: string) =>
  ({ from, to }: { from: Date; to: Date }): RawBuilder<{ subject_id: string }> =>
    sql<{ subject_id: string }>`select distinct subject_id from finding
      where coalesce(due_at, opened_at) > ${from} and coalesce(due_at, opened_at) <= ${to}
        and due_at is not null and rule_id = ${ruleId} and obligation_key = ${obligationKey}`

// biome-ignore lint/suspicious/noExplicitAny: a registry holds rules of every parameter shape
export type AnyRule = Rule<any>

const ruleId = /^[A-Z]{2,6}-[0-9A-Za-z-]{1,20}$/
const kindName = /^[a-z][a-z0-9-]{0,62}$/

/** Declares a rule, checking its shape once at start so a mistake fails loudly, not at 3 a.m. in a sweep. */
export function defineRule<P extends Record<string, unknown>>(rule: Rule<P>): Rule<P> {
  if (!ruleId.test(rule.id)) throw new Error(`Rule id ${JSON.stringify(rule.id)} is not like CUS-04`)
  if (!kindName.test(rule.appliesTo))
    throw new Error(`${rule.id}: appliesTo must be a kebab-case record kind`)
  if (!rule.title.trim() || !rule.citation.trim())
    throw new Error(`${rule.id}: title and citation are required`)
  for (const [name, spec] of Object.entries(rule.params) as [string, ParameterSpec][]) {
    const checked = parameterSchema(spec).safeParse(spec.default)
    if (!checked.success)
      throw new Error(`${rule.id}: default of ${name} is invalid: ${checked.error.issues[0]?.message}`)
  }
  return rule
}

/** The schema a parameter's values must pass. */
export function parameterSchema(spec: ParameterSpec): z.ZodType {
  if (spec.schema) return spec.schema
  switch (typeof spec.default) {
    case 'number':
      return z.number().finite().min(0)
    case 'boolean':
      return z.boolean()
    case 'string':
      return z.string().min(1)
    default:
      return z.unknown()
  }
}

/** Reads a parameter value typed into a form, by the default's type; JSON for anything structured. */
export function parseParameterInput(
  spec: ParameterSpec,
  text: string,
): { value: unknown } | { error: string } {
  const trimmed = text.trim()
  if (!trimmed) return { error: 'Enter a value' }
  let value: unknown = trimmed
  if (typeof spec.default === 'number') {
    value = Number(trimmed)
    if (!Number.isFinite(value)) return { error: 'Enter a number, like 24' }
  } else if (typeof spec.default === 'boolean') {
    if (trimmed !== 'true' && trimmed !== 'false') return { error: 'Enter true or false' }
    value = trimmed === 'true'
  } else if (typeof spec.default !== 'string') {
    try {
      value = JSON.parse(trimmed)
    } catch {
      return { error: 'Enter the value as JSON, like the default' }
    }
  }
  const checked = parameterSchema(spec).safeParse(value)
  if (!checked.success) return { error: checked.error.issues[0]?.message ?? 'The value is not valid' }
  return { value: checked.data }
}

export function columnRef(column: string | Expression<unknown>): Expression<unknown> {
  return typeof column === 'string' ? sql.ref(column) : column
}

/** `column` when at or before asOf, else null. For rules that build SQL outside a RuleContext. */
export function upTo(column: string | Expression<unknown>, asOf: Date): RawBuilder<Date | null> {
  const ref = columnRef(column)
  return sql<Date | null>`(case when ${ref} <= ${asOf} then ${ref} end)`
}
