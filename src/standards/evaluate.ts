import { type RawBuilder, sql } from 'kysely'
import { type Database, preparedStatement } from '../platform/db/database.ts'
import type { WorkingDayCalendar } from './calendar.ts'
import {
  breachedAtSql,
  type ObligationColumns,
  type ObligationState,
  obligationState,
  obligationStateSql,
} from './finding-state.ts'
import { type FindingEventKind, type FindingStatus, type StoredFinding, transition } from './lifecycle.ts'
import { type ParameterValue, parameterValuesAt, resolveParameters } from './parameters.ts'
import {
  type AnyRule,
  columnRef,
  isObligationQuery,
  type ObligationQuery,
  type ObligationQueryRow,
  type ObligationRow,
  type RuleContext,
  upTo,
} from './rule.ts'
import { ensureWorkingDays } from './working-days.ts'

/** How one rule's evaluation went: the sweep reports every rule, including the ones that failed. */
export interface RuleResult {
  ruleId: string
  ok: boolean
  error?: string
  /** Obligations the rule found (started at or before asOf). */
  obligations: number
  opened: number
  /** Findings whose state or details changed, including those closed. */
  changed: number
  /** Findings resolved automatically because their obligation is gone. */
  closed: number
  ms: number
  /**
   * A steady sweep of a rule swept by its due times: the records whose findings it read from the index
   * (those due by asOf) and those with a clock instant since its last sweep, the only ones it evaluated.
   */
  dueRecords?: number
}

/** An obligation with its state at asOf: what a finding would be, before anything is stored. */
export interface DerivedObligation extends Required<Omit<ObligationRow, 'subjectRef'>> {
  ruleId: string
  subjectRef: string | null
  state: ObligationState
}

export interface EvaluationInput {
  db: Database
  calendar: WorkingDayCalendar
  rules: readonly AnyRule[]
  asOf: Date
  /** Ids of records of each rule's `appliesTo` kind; undefined: every record. */
  subjects?: readonly string[]
  /** The instant written as updated_at and recorded_at (the wall clock, not asOf). */
  now: Date
  /**
   * Evaluate inside this open transaction (after a write), under a savepoint so one failing rule leaves the
   * caller's transaction usable and the other rules' findings kept. Without it, each rule runs in its own transaction.
   */
  trx?: Database
}

const chunkSize = 1000

function chunks<T>(items: readonly T[], size = chunkSize): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/** What a rule is given to build its obligations: the engine's own, also used for its SQL snapshots. */
export function ruleContext(
  rule: AnyRule,
  values: readonly ParameterValue[],
  asOf: Date,
  subjects: readonly string[] | undefined,
  calendar: WorkingDayCalendar,
): RuleContext<Record<string, unknown>> {
  return {
    asOf,
    subjects,
    params: resolveParameters(rule, values),
    calendar,
    upTo: (column) => upTo(column, asOf),
    // No cast on the column, so the record's own index finds it: the array takes the column's type, which
    // PostgreSQL infers from the comparison (uuid[] for a uuid id, text[] for a text one).
    subjectFilter: (column) =>
      subjects ? sql<boolean>`${columnRef(column)} = any(${[...subjects]})` : sql<boolean>`true`,
  }
}

/** A rule's obligations query, wrapped: the columns typed, the subjects and asOf applied, milliseconds kept. */
function wrappedQuery(query: ObligationQuery, context: RuleContext<Record<string, unknown>>) {
  const { asOf, subjects } = context
  // Stored findings hold JavaScript's milliseconds: compare like with like, or every row would differ.
  const ms = (column: string) => sql`date_trunc('milliseconds', cast(${sql.ref(column)} as timestamptz))`
  return sql<ObligationQueryRow>`
    select cast(q.subject_id as text) as subject_id,
      coalesce(cast(q.obligation_key as text), '') as obligation_key,
      cast(q.subject_ref as text) as subject_ref, ${ms('q.started_at')} as started_at,
      ${ms('q.due_at')} as due_at,
      case when q.met_at <= ${asOf} then ${ms('q.met_at')} end as met_at,
      coalesce(cast(q.detail as text), '') as detail, cast(q.borough_id as uuid) as borough_id,
      cast(q.bcu_id as uuid) as bcu_id, cast(q.assignee_team_id as uuid) as assignee_team_id,
      cast(q.assignee_staff_id as uuid) as assignee_staff_id
    from (${query}) as q
    where q.started_at <= ${asOf}
      and ${subjects ? sql`cast(q.subject_id as text) = any(cast(${[...subjects]} as text[]))` : sql`true`}`
}

function rowOfQuery(r: ObligationQueryRow): ObligationRow {
  return {
    subjectId: r.subject_id,
    key: r.obligation_key,
    subjectRef: r.subject_ref,
    startedAt: r.started_at,
    dueAt: r.due_at,
    metAt: r.met_at,
    detail: r.detail,
    boroughId: r.borough_id,
    bcuId: r.bcu_id,
    assigneeTeamId: r.assignee_team_id,
    assigneeStaffId: r.assignee_staff_id,
  }
}

/**
 * Runs a rule's obligations query and derives each obligation's state at asOf. Obligations that start after
 * asOf are not there yet, and a meeting dated after asOf has not happened: the engine enforces both, so a
 * rule that forgets `upTo` on its main timestamps still answers correctly for an as-of evaluation.
 */
export async function deriveObligations(
  db: Database,
  rule: AnyRule,
  context: RuleContext<Record<string, unknown>>,
): Promise<DerivedObligation[]> {
  const found = await rule.obligations(db, context)
  const rows = isObligationQuery(found)
    ? (await wrappedQuery(found, context).execute(db)).rows.map(rowOfQuery)
    : found
  return derive(rule, rows, context)
}

function derive(
  rule: AnyRule,
  rows: readonly ObligationRow[],
  context: RuleContext<Record<string, unknown>>,
): DerivedObligation[] {
  const { asOf, subjects } = context
  const wanted = subjects ? new Set(subjects) : undefined
  const seen = new Set<string>()
  const out: DerivedObligation[] = []
  for (const row of rows) {
    const subjectKind = row.subjectKind ?? rule.appliesTo
    if (subjectKind !== rule.appliesTo) {
      throw new Error(`${rule.id} returned an obligation on ${subjectKind}; it checks ${rule.appliesTo}`)
    }
    const subjectId = String(row.subjectId)
    if (wanted && !wanted.has(subjectId)) continue
    const key = row.key ?? ''
    const identity = `${subjectId}\u0000${key}`
    if (seen.has(identity)) {
      throw new Error(`${rule.id} returned two obligations for ${subjectKind} ${subjectId} key '${key}'`)
    }
    seen.add(identity)
    const times = {
      startedAt: new Date(row.startedAt),
      dueAt: row.dueAt ? new Date(row.dueAt) : null,
      metAt: row.metAt && new Date(row.metAt) <= asOf ? new Date(row.metAt) : null,
    }
    const state = obligationState(times, asOf)
    if (!state) continue
    out.push({
      ruleId: rule.id,
      subjectKind,
      subjectId,
      key,
      subjectRef: row.subjectRef ?? null,
      ...times,
      detail: row.detail,
      boroughId: row.boroughId ?? null,
      bcuId: row.bcuId ?? null,
      assigneeTeamId: row.assigneeTeamId ?? null,
      assigneeStaffId: row.assigneeStaffId ?? null,
      state,
    })
  }
  return out
}

interface ExistingFinding extends StoredFinding {
  id: string
  version: number
  subjectId: string
  key: string
  openedAt: Date
  subjectRef: string | null
  detail: string
  boroughId: string | null
  bcuId: string | null
  assigneeTeamId: string | null
  assigneeStaffId: string | null
}

const time = (d: Date | null) => d?.getTime() ?? null

function detailsDiffer(e: ExistingFinding, o: DerivedObligation): boolean {
  return (
    time(e.openedAt) !== time(o.startedAt) ||
    time(e.dueAt) !== time(o.dueAt) ||
    e.subjectRef !== o.subjectRef ||
    e.detail !== o.detail ||
    e.boroughId !== o.boroughId ||
    e.bcuId !== o.bcuId ||
    e.assigneeTeamId !== o.assigneeTeamId ||
    e.assigneeStaffId !== o.assigneeStaffId
  )
}

interface EventRow {
  finding_id: string
  at: Date
  event: FindingEventKind
  recorded_at: Date
}

/** A row of the comparison: an obligation (o_ columns null when it vanished) beside its stored finding. */
interface CandidateRow {
  obligations: number
  opened: number
  subject_id: string | null
  obligation_key: string | null
  subject_ref: string | null
  started_at: Date | null
  due_at: Date | null
  met_at: Date | null
  detail: string | null
  borough_id: string | null
  bcu_id: string | null
  assignee_team_id: string | null
  assignee_staff_id: string | null
  state: ObligationState | null
  f_id: string | null
  f_version: number
  f_subject_id: string
  f_obligation_key: string
  f_status: FindingStatus
  f_opened_at: Date
  f_due_at: Date | null
  f_breached_at: Date | null
  f_met_at: Date | null
  f_closed_at: Date | null
  f_subject_ref: string | null
  f_detail: string
  f_borough_id: string | null
  f_bcu_id: string | null
  f_assignee_team_id: string | null
  f_assignee_staff_id: string | null
}

/** Obligations a rule computed in JavaScript, as a relation with the columns of a rule's query. */
function obligationsRelation(obligations: readonly DerivedObligation[]) {
  const json = JSON.stringify(
    obligations.map((o) => ({
      subject_id: o.subjectId,
      obligation_key: o.key,
      subject_ref: o.subjectRef,
      started_at: o.startedAt,
      due_at: o.dueAt,
      met_at: o.metAt,
      detail: o.detail,
      borough_id: o.boroughId,
      bcu_id: o.bcuId,
      assignee_team_id: o.assigneeTeamId,
      assignee_staff_id: o.assigneeStaffId,
    })),
  )
  return sql<ObligationQueryRow>`
    select * from jsonb_to_recordset(cast(${json} as jsonb)) as x(subject_id text, obligation_key text,
      subject_ref text, started_at timestamptz, due_at timestamptz, met_at timestamptz, detail text,
      borough_id uuid, bcu_id uuid, assignee_team_id uuid, assignee_staff_id uuid)`
}

function comparisonParts(
  rule: AnyRule,
  obligations: RawBuilder<ObligationQueryRow>,
  subjects: readonly string[] | undefined,
  asOf: Date,
  now: Date,
  n: number,
) {
  const name = (base: string) => sql.raw(`${base}_${n}`)
  const [t, f, a, j, ins, ev] = ['t', 'f', 'a', 'j', 'ins', 'ev'].map(name) as RawBuilder<unknown>[]
  const differs = (x: string, y: string) => sql`${sql.ref(x)} is distinct from ${sql.ref(y)}`
  const times: ObligationColumns = {
    startedAt: sql.ref('o.started_at'),
    dueAt: sql.ref('o.due_at'),
    metAt: sql.ref('o.met_at'),
  }
  // The full join is folded into one aggregate: it counts the obligations and keeps, as JSON, only the rows
  // that need work (new, vanished, or changed). The join's rows stream through it and are never stored, so
  // a steady sweep costs one scan of each side and a hash join, however many obligations there are.
  const candidate = sql`t.subject_id, t.obligation_key, t.subject_ref, t.started_at, t.due_at, t.met_at,
    t.detail, t.borough_id, t.bcu_id, t.assignee_team_id, t.assignee_staff_id, t.state, t.breached_at,
    f.id as f_id, f.version as f_version, f.subject_id as f_subject_id, f.obligation_key as f_obligation_key,
    f.status as f_status, f.opened_at as f_opened_at, f.due_at as f_due_at, f.breached_at as f_breached_at,
    f.met_at as f_met_at, f.closed_at as f_closed_at, f.subject_ref as f_subject_ref, f.detail as f_detail,
    f.borough_id as f_borough_id, f.bcu_id as f_bcu_id, f.assignee_team_id as f_assignee_team_id,
    f.assignee_staff_id as f_assignee_staff_id`
  const ctes = sql`
    ${t} as (
      select o.*, ${breachedAtSql(times, sql.ref('o.state'))} as breached_at
      from (select o.*, ${obligationStateSql(times, asOf)} as state from (${obligations}) as o) as o
    ),
    ${f} as (
      select id, version, subject_id, obligation_key, status, opened_at, due_at, breached_at, met_at,
        closed_at, subject_ref, detail, borough_id, bcu_id, assignee_team_id, assignee_staff_id
      from finding
      where rule_id = ${rule.id} and subject_kind = ${rule.appliesTo}
        and ${subjects ? sql`subject_id = any(cast(${[...subjects]} as text[]))` : sql`true`}
    ),
    ${a} as materialized (
      select cast(count(c.subject_id) as integer) as obligations,
        coalesce(jsonb_agg(to_jsonb(c)) filter (where c.f_id is null or (c.subject_id is null and c.f_closed_at is null)
          or (c.subject_id is not null and (
            ${differs('c.f_opened_at', 'c.started_at')} or ${differs('c.f_due_at', 'c.due_at')}
            or ${differs('c.f_subject_ref', 'c.subject_ref')} or ${differs('c.f_detail', 'c.detail')}
            or ${differs('c.f_borough_id', 'c.borough_id')} or ${differs('c.f_bcu_id', 'c.bcu_id')}
            or ${differs('c.f_assignee_team_id', 'c.assignee_team_id')}
            or ${differs('c.f_assignee_staff_id', 'c.assignee_staff_id')}
            -- the cases where lifecycle.transition leaves a finding as it is
            or not (
              (c.f_status = 'resolved_by_supervisor' and c.f_due_at is not distinct from c.due_at)
              or (c.f_status in ('met', 'met_late') and c.f_status = c.state
                and c.f_met_at is not distinct from c.met_at)
              or (c.f_status = 'acknowledged' and c.state in ('due', 'breached')
                and c.f_breached_at is not distinct from c.breached_at)
              or (c.f_status in ('due', 'breached') and c.f_status = c.state
                and c.f_breached_at is not distinct from c.breached_at)
            )))), '[]') as work
      from (select ${candidate} from ${t} as t full join ${f} as f
        on f.subject_id = t.subject_id and f.obligation_key = t.obligation_key) as c
    ),
    ${j} as materialized (
      select x.* from ${a} as a cross join jsonb_to_recordset(a.work) as x(subject_id text, obligation_key text,
        subject_ref text, started_at timestamptz, due_at timestamptz, met_at timestamptz, detail text,
        borough_id uuid, bcu_id uuid, assignee_team_id uuid, assignee_staff_id uuid, state text,
        breached_at timestamptz, f_id uuid, f_version integer, f_subject_id text, f_obligation_key text,
        f_status text, f_opened_at timestamptz, f_due_at timestamptz, f_breached_at timestamptz,
        f_met_at timestamptz, f_closed_at timestamptz, f_subject_ref text, f_detail text, f_borough_id uuid,
        f_bcu_id uuid, f_assignee_team_id uuid, f_assignee_staff_id uuid)
    ),
    ${ins} as (
      insert into finding (rule_id, subject_kind, subject_id, obligation_key, subject_ref, status, opened_at,
        due_at, breached_at, met_at, closed_at, detail, borough_id, bcu_id, assignee_team_id,
        assignee_staff_id, updated_at)
      select ${rule.id}, ${rule.appliesTo}, j.subject_id, j.obligation_key, j.subject_ref, j.state,
        j.started_at, j.due_at, j.breached_at, j.met_at, j.met_at, j.detail, j.borough_id, j.bcu_id,
        j.assignee_team_id, j.assignee_staff_id, cast(${now} as timestamptz)
      from ${j} as j where j.f_id is null
      -- A concurrent evaluation may have opened the same finding: it wins, and writes the history.
      on conflict (subject_id, subject_kind, rule_id, obligation_key) do nothing
      returning id, opened_at, breached_at, met_at
    ),
    ${ev} as (
      insert into finding_event (finding_id, at, event, recorded_at)
      select ins.id, e.at, e.event, cast(${now} as timestamptz)
      from ${ins} as ins cross join lateral (values (1, 'opened', ins.opened_at), (2, 'breached', ins.breached_at),
        (3, 'met', ins.met_at)) as e(n, event, at)
      where e.at is not null
      order by ins.id, e.n
    )`
  const result = sql`
    select cast(${n} as integer) as rule_index, a.obligations, cast((select count(*) from ${ins}) as integer) as opened,
      c.*
    from ${a} as a left join (select * from ${j} as j where j.f_id is not null) as c on true`
  return { ctes, result }
}

/** Few enough records that one generic plan suits them all: a write through a page, not an import batch. */
const fewSubjects = (subjects: readonly string[] | undefined) =>
  subjects !== undefined && subjects.length <= 20

/**
 * One statement that compares rules' obligations with their stored findings in the database. For each rule
 * it opens the findings that are new (with their history, as `transition` would write it for a finding seen
 * the first time) and returns only the stored findings whose state or details may change, and the open ones
 * whose obligation is gone: in a steady state, one row per rule with its counts. `lifecycle.transition`
 * then decides those in JavaScript, so the life of a finding stays in one tested place. Each rule's part
 * reads and writes only that rule's findings, so several rules can share one statement (and one round trip).
 */
function compareStatement(
  parts: readonly {
    rule: AnyRule
    obligations: RawBuilder<ObligationQueryRow>
  }[],
  subjects: readonly string[] | undefined,
  asOf: Date,
  now: Date,
) {
  const built = parts.map((p, n) => comparisonParts(p.rule, p.obligations, subjects, asOf, now, n))
  return sql<CandidateRow & { rule_index: number }>`${sql.raw(fewSubjects(subjects) ? preparedStatement : '')}
    with ${sql.join(
      built.map((b) => b.ctes),
      sql`,`,
    )}
    ${sql.join(
      built.map((b) => b.result),
      sql` union all `,
    )}`
}

/**
 * False only when it is certain that the rule has no open finding on the call's subjects: within a call's
 * scope (after a write, in one transaction) one read answers for every rule of the call. A rule changes only
 * its own findings, so the answer read before an earlier rule ran still holds for this one. Elsewhere (a
 * sweep) it answers true and the comparison runs as always.
 */
async function mayHaveOpenFindings(
  db: Database,
  rule: AnyRule,
  context: RuleContext<Record<string, unknown>>,
): Promise<boolean> {
  const { subjects, asOf } = context
  if (!subjects || !callScopes.get(context)?.open) return true
  const open = await sharedWithinCall(
    context,
    `standards:open-findings:${asOf.toISOString()}:${subjects.join(',')}`,
    async () => {
      const { rows } = await sql<{ subject_kind: string; rule_id: string }>`
        select distinct subject_kind, rule_id from finding
        where subject_id = any(cast(${[...subjects]} as text[])) and closed_at is null`.execute(db)
      return new Set(rows.map((r) => `${r.subject_kind}\u0000${r.rule_id}`))
    },
  )
  return open.has(`${rule.appliesTo}\u0000${rule.id}`)
}

/**
 * What a rule's comparison compares: its query, wrapped, or its rows as a relation; undefined when a rule
 * that computed rows owes nothing and has nothing open to close, so no comparison need be sent.
 */
async function comparedRelation(
  db: Database,
  rule: AnyRule,
  context: RuleContext<Record<string, unknown>>,
): Promise<RawBuilder<ObligationQueryRow> | undefined> {
  const found = await rule.obligations(db, context)
  if (isObligationQuery(found)) return wrappedQuery(found, context)
  const derived = derive(rule, found, context)
  if (derived.length === 0 && !(await mayHaveOpenFindings(db, rule, context))) return undefined
  return obligationsRelation(derived)
}

/**
 * Brings one rule's stored findings into line with its obligations at asOf. The comparison happens in the
 * database (compareStatement): new findings are opened there, set-wise; only what may change comes back, is
 * decided by `transition`, and is written in batches.
 */
async function applyRule(
  db: Database,
  rule: AnyRule,
  context: RuleContext<Record<string, unknown>>,
  now: Date,
): Promise<Omit<RuleResult, 'ms' | 'ok' | 'ruleId'>> {
  const { asOf, subjects } = context
  const relation = await comparedRelation(db, rule, context)
  if (!relation) return { obligations: 0, opened: 0, changed: 0, closed: 0 }
  // A full sweep hashes every stored finding of the rule: give the join room so it does not spill to disk.
  // JIT compiling pays only for long queries; on a sweep's misestimated plans it added tens of milliseconds.
  if (!subjects)
    await sql`select set_config('work_mem', '64MB', true), set_config('jit', 'off', true)`.execute(db)
  const { rows } = await compareStatement([{ rule, obligations: relation }], subjects, asOf, now).execute(db)
  return settle(db, rule, rows, asOf, now)
}

/**
 * The JavaScript half of a comparison: the stored findings that came back are decided by `transition` and
 * written in batches, with their history.
 */
async function settle(
  db: Database,
  rule: AnyRule,
  rows: readonly CandidateRow[],
  asOf: Date,
  now: Date,
): Promise<Omit<RuleResult, 'ms' | 'ok' | 'ruleId'>> {
  const counts = rows[0] ?? { obligations: 0, opened: 0 }
  const updates: { row: Record<string, unknown>; events: { event: FindingEventKind; at: Date }[] }[] = []
  const seen = new Set<string>()
  let closed = 0
  for (const r of rows) {
    if (!r.f_id) continue
    if (seen.has(r.f_id)) {
      throw new Error(
        `${rule.id} returned two obligations for ${rule.appliesTo} ${r.f_subject_id} key '${r.f_obligation_key}'`,
      )
    }
    seen.add(r.f_id)
    const e: ExistingFinding = {
      id: r.f_id,
      version: r.f_version,
      subjectId: r.f_subject_id,
      key: r.f_obligation_key,
      status: r.f_status,
      openedAt: r.f_opened_at,
      dueAt: r.f_due_at,
      breachedAt: r.f_breached_at,
      metAt: r.f_met_at,
      closedAt: r.f_closed_at,
      subjectRef: r.f_subject_ref,
      detail: r.f_detail,
      boroughId: r.f_borough_id,
      bcuId: r.f_bcu_id,
      assigneeTeamId: r.f_assignee_team_id,
      assigneeStaffId: r.f_assignee_staff_id,
    }
    if (r.subject_id === null) {
      // Not found this time: fixed, or the record no longer matches the rule.
      const next = transition(e, undefined, asOf)
      if (!next) continue
      closed++
      updates.push({
        row: {
          id: e.id,
          version: e.version,
          status: next.status,
          opened_at: e.openedAt,
          due_at: e.dueAt,
          breached_at: next.breachedAt,
          met_at: next.metAt,
          closed_at: next.closedAt,
          subject_ref: e.subjectRef,
          detail: e.detail,
          borough_id: e.boroughId,
          bcu_id: e.bcuId,
          assignee_team_id: e.assigneeTeamId,
          assignee_staff_id: e.assigneeStaffId,
        },
        events: next.events,
      })
      continue
    }
    const o: DerivedObligation = {
      ruleId: rule.id,
      subjectKind: rule.appliesTo,
      subjectId: r.subject_id,
      key: r.obligation_key ?? '',
      subjectRef: r.subject_ref,
      startedAt: r.started_at as Date,
      dueAt: r.due_at,
      metAt: r.met_at,
      detail: r.detail ?? '',
      boroughId: r.borough_id,
      bcuId: r.bcu_id,
      assigneeTeamId: r.assignee_team_id,
      assigneeStaffId: r.assignee_staff_id,
      state: r.state as ObligationState,
    }
    const next = transition(e, o, asOf)
    if (!next && !detailsDiffer(e, o)) continue
    updates.push({
      row: {
        id: e.id,
        version: e.version,
        status: next?.status ?? e.status,
        opened_at: o.startedAt,
        due_at: o.dueAt,
        breached_at: next ? next.breachedAt : e.breachedAt,
        met_at: next ? next.metAt : e.metAt,
        closed_at: next ? next.closedAt : e.closedAt,
        subject_ref: o.subjectRef,
        detail: o.detail,
        borough_id: o.boroughId,
        bcu_id: o.bcuId,
        assignee_team_id: o.assigneeTeamId,
        assignee_staff_id: o.assigneeStaffId,
      },
      events: next?.events ?? [],
    })
  }

  const events: EventRow[] = []
  let changed = 0
  for (const batch of chunks(updates)) {
    const { rows: written } = await sql<{ id: string }>`
      update finding as f set
        status = x.status, opened_at = x.opened_at, due_at = x.due_at, breached_at = x.breached_at,
        met_at = x.met_at, closed_at = x.closed_at, subject_ref = x.subject_ref, detail = x.detail,
        borough_id = x.borough_id, bcu_id = x.bcu_id, assignee_team_id = x.assignee_team_id,
        assignee_staff_id = x.assignee_staff_id, updated_at = ${now}, version = f.version + 1
      from jsonb_to_recordset(cast(${JSON.stringify(batch.map((b) => b.row))} as jsonb)) as x(
        id uuid, version integer, status text, opened_at timestamptz, due_at timestamptz,
        breached_at timestamptz, met_at timestamptz, closed_at timestamptz, subject_ref text, detail text,
        borough_id uuid, bcu_id uuid, assignee_team_id uuid, assignee_staff_id uuid)
      where f.id = x.id and f.version = x.version
      returning f.id`.execute(db)
    // A row changed meanwhile (an acknowledgement, a concurrent evaluation) keeps its newer state; the next
    // evaluation sees it afresh.
    const done = new Set(written.map((r) => r.id))
    for (const b of batch) {
      const id = b.row.id as string
      if (!done.has(id)) continue
      changed++
      for (const ev of b.events) events.push({ finding_id: id, at: ev.at, event: ev.event, recorded_at: now })
    }
  }
  for (const batch of chunks(events)) await db.insertInto('finding_event').values(batch).execute()
  return { obligations: counts.obligations, opened: counts.opened, changed, closed }
}

/**
 * Loads that the rules of one evaluation share, such as a module's facts about the records being checked.
 * Only an evaluation inside the caller's transaction has one: there every rule reads the same snapshot and
 * no rule writes the records it reads, so one read serves them all. It is emptied and closed when the call
 * ends, so nothing read in one call is ever seen by another.
 */
interface CallScope {
  open: boolean
  loads: Map<string, Promise<unknown>>
}

const callScopes = new WeakMap<object, CallScope>()

/**
 * `load()` once per evaluation call for a key, for every rule context of that call; outside a call's scope
 * (a sweep, obligationsAt, a test calling a rule directly) it simply loads. The key must name everything the
 * load depends on besides the call's executor: asOf and the subjects. A failed load is not kept, so the next
 * rule tries again, as it would without sharing.
 */
export function sharedWithinCall<T>(context: object, key: string, load: () => Promise<T>): Promise<T> {
  const scope = callScopes.get(context)
  if (!scope?.open) return load()
  const kept = scope.loads.get(key)
  if (kept) return kept as Promise<T>
  const loading = load()
  scope.loads.set(key, loading)
  loading.catch(() => {
    if (scope.loads.get(key) === loading) scope.loads.delete(key)
  })
  return loading
}

let savepointCounter = 0

/**
 * Evaluates rules and stores their findings. A rule that throws is reported and the others carry on: in
 * the caller's transaction its work is rolled back to a savepoint; on its own, its transaction is.
 */
export async function evaluateRules(input: EvaluationInput): Promise<RuleResult[]> {
  const { rules, asOf, subjects } = input
  if (subjects && subjects.length === 0) return []
  const results: RuleResult[] = []
  const executor = input.trx ?? input.db
  let values: ParameterValue[]
  try {
    await ensureWorkingDays(input.db, executor, input.calendar)
    values = await parameterValuesAt(
      executor,
      asOf,
      rules.map((r) => r.id),
    )
  } catch (error) {
    return rules.map((r) => ({
      ruleId: r.id,
      ok: false,
      error: `parameters could not be read: ${(error as Error).message}`,
      obligations: 0,
      opened: 0,
      changed: 0,
      closed: 0,
      ms: 0,
    }))
  }
  const scope: CallScope | undefined = input.trx ? { open: true, loads: new Map() } : undefined
  try {
    if (input.trx) return await evaluateInTransaction(input, input.trx, values, scope)
    for (const rule of rules) results.push(await evaluateOne(input, rule, values, scope))
    return results
  } finally {
    if (scope) {
      scope.open = false
      scope.loads.clear()
    }
  }
}

/**
 * Inside the caller's transaction, rules usually all succeed: their comparisons go to the database as one
 * statement, under one savepoint, a round trip per rule saved. If anything fails, everything they did is
 * rolled back to that savepoint and they run again one savepoint each, so the failure is reported and the
 * others' findings are kept.
 */
async function evaluateInTransaction(
  input: EvaluationInput,
  trx: Database,
  values: readonly ParameterValue[],
  scope: CallScope | undefined,
): Promise<RuleResult[]> {
  const all = sql.raw(`standards_rules_${++savepointCounter}`)
  await sql`savepoint ${all}`.execute(trx)
  // For a few records (a write through a page), the comparison is a prepared statement with a generic plan:
  // planning it afresh costs more than running it, and for a handful of subjects the generic plan is the
  // custom one. A batch (an import) is planned for its own size, with the statistics of the moment.
  if (fewSubjects(input.subjects)) await sql`set local plan_cache_mode = force_generic_plan`.execute(trx)
  let results: RuleResult[]
  try {
    results = await evaluateTogether(input, trx, values, scope)
  } catch {
    await sql`rollback to savepoint ${all}`.execute(trx)
    results = []
    for (const rule of input.rules) results.push(await evaluateOne(input, rule, values, scope))
  }
  // Releasing the outer savepoint releases every inner one too, in one round trip.
  await sql`release savepoint ${all}`.execute(trx)
  return results
}

/**
 * Every rule's comparison in one statement, then each rule's changed findings settled in turn. The time of
 * the shared statement is divided evenly between the rules in their results.
 */
async function evaluateTogether(
  input: EvaluationInput,
  trx: Database,
  values: readonly ParameterValue[],
  scope: CallScope | undefined,
): Promise<RuleResult[]> {
  const { rules, asOf, subjects, calendar, now } = input
  const started = performance.now()
  const planned: { rule: AnyRule; obligations: RawBuilder<ObligationQueryRow> | undefined }[] = []
  for (const rule of rules) {
    const context = ruleContext(rule, values, asOf, subjects, calendar)
    if (scope) callScopes.set(context, scope)
    planned.push({ rule, obligations: await comparedRelation(trx, rule, context) })
  }
  const compared = planned.flatMap((p) =>
    p.obligations ? [{ rule: p.rule, obligations: p.obligations }] : [],
  )
  const rowsOf = new Map<string, CandidateRow[]>()
  if (compared.length) {
    const { rows } = await compareStatement(compared, subjects, asOf, now).execute(trx)
    for (const row of rows) {
      const id = (compared[row.rule_index] as { rule: AnyRule }).rule.id
      rowsOf.set(id, [...(rowsOf.get(id) ?? []), row])
    }
  }
  const counts: Omit<RuleResult, 'ms' | 'ok' | 'ruleId'>[] = []
  for (const { rule, obligations } of planned) {
    counts.push(
      obligations
        ? await settle(trx, rule, rowsOf.get(rule.id) ?? [], asOf, now)
        : { obligations: 0, opened: 0, changed: 0, closed: 0 },
    )
  }
  const ms = Math.round((performance.now() - started) / rules.length)
  return planned.map(({ rule }, i) => ({
    ...(counts[i] as Omit<RuleResult, 'ms' | 'ok' | 'ruleId'>),
    ruleId: rule.id,
    ok: true,
    ms,
  }))
}

/** One rule: in its own transaction (a sweep), or under its own savepoint in the caller's transaction. */
async function evaluateOne(
  input: EvaluationInput,
  rule: AnyRule,
  values: readonly ParameterValue[],
  scope: CallScope | undefined,
): Promise<RuleResult> {
  const { asOf, subjects, calendar, now } = input
  const started = performance.now()
  const context = ruleContext(rule, values, asOf, subjects, calendar)
  if (scope) callScopes.set(context, scope)
  try {
    let counts: Omit<RuleResult, 'ms' | 'ok' | 'ruleId'>
    if (input.trx) {
      const savepoint = sql.raw(`standards_rule_${++savepointCounter}`)
      await sql`savepoint ${savepoint}`.execute(input.trx)
      try {
        counts = await applyRule(input.trx, rule, context, now)
      } catch (error) {
        await sql`rollback to savepoint ${savepoint}`.execute(input.trx)
        throw error
      }
    } else {
      counts = await input.db.transaction().execute((trx) => applyRule(trx, rule, context, now))
    }
    return { ruleId: rule.id, ok: true, ...counts, ms: Math.round(performance.now() - started) }
  } catch (error) {
    return {
      ruleId: rule.id,
      ok: false,
      error: (error as Error).message,
      obligations: 0,
      opened: 0,
      changed: 0,
      closed: 0,
      ms: Math.round(performance.now() - started),
    }
  }
}

/**
 * What the findings would be at asOf, computed from the data and not stored: for "what was late at 09:00
 * on 1 August?" without touching the live findings. Human actions (acknowledgements) are not part of it.
 */
export async function obligationsAt(
  db: Database,
  calendar: WorkingDayCalendar,
  rules: readonly AnyRule[],
  asOf: Date,
): Promise<{ obligations: DerivedObligation[]; results: RuleResult[] }> {
  await ensureWorkingDays(db, db, calendar)
  const values = await parameterValuesAt(
    db,
    asOf,
    rules.map((r) => r.id),
  )
  const obligations: DerivedObligation[] = []
  const results: RuleResult[] = []
  for (const rule of rules) {
    const started = performance.now()
    try {
      const found = await deriveObligations(db, rule, ruleContext(rule, values, asOf, undefined, calendar))
      // One at a time: spreading a rule's obligations into push passes each as an argument, and a rule
      // with more than about 100,000 (RSO-04 at scale 1) overflows the call stack.
      for (const o of found) obligations.push(o)
      results.push({
        ruleId: rule.id,
        ok: true,
        obligations: found.length,
        opened: 0,
        changed: 0,
        closed: 0,
        ms: Math.round(performance.now() - started),
      })
    } catch (error) {
      results.push({
        ruleId: rule.id,
        ok: false,
        error: (error as Error).message,
        obligations: 0,
        opened: 0,
        changed: 0,
        closed: 0,
        ms: Math.round(performance.now() - started),
      })
    }
  }
  return { obligations, results }
}
