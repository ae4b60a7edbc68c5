import { sql } from 'kysely'
import type { Database } from '../platform/db/database.ts'
import type { WorkingDayCalendar } from './calendar.ts'
import {
  type FindingEventKind,
  type FindingStatus,
  type FindingTransition,
  type ObligationState,
  obligationState,
  type StoredFinding,
  transition,
} from './lifecycle.ts'
import { type ParameterValue, parameterValuesAt, resolveParameters } from './parameters.ts'
import { type AnyRule, columnRef, type ObligationRow, type RuleContext, upTo } from './rule.ts'

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
   * Evaluate inside this open transaction (after a write), a savepoint around each rule so one failure
   * leaves the caller's transaction usable. Without it, each rule runs in its own transaction.
   */
  trx?: Database
}

const chunkSize = 1000

function chunks<T>(items: readonly T[], size = chunkSize): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

function ruleContext(
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
    subjectFilter: (column) =>
      subjects
        ? sql<boolean>`${columnRef(column)}::text = any(${[...subjects]}::text[])`
        : sql<boolean>`true`,
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
  const { asOf, subjects } = context
  const rows = await rule.obligations(db, context)
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

async function existingFindings(
  db: Database,
  rule: AnyRule,
  subjects: readonly string[] | undefined,
): Promise<ExistingFinding[]> {
  let query = db
    .selectFrom('finding')
    .select([
      'id',
      'version',
      'subject_id',
      'obligation_key',
      'status',
      'opened_at',
      'due_at',
      'breached_at',
      'met_at',
      'closed_at',
      'subject_ref',
      'detail',
      'borough_id',
      'bcu_id',
      'assignee_team_id',
      'assignee_staff_id',
    ])
    .where('rule_id', '=', rule.id)
    .where('subject_kind', '=', rule.appliesTo)
  if (subjects) query = query.where('subject_id', '=', sql<string>`any(cast(${[...subjects]} as text[]))`)
  const rows = await query.execute()
  return rows.map((r) => ({
    id: r.id,
    version: r.version,
    subjectId: r.subject_id,
    key: r.obligation_key,
    status: r.status as FindingStatus,
    openedAt: r.opened_at,
    dueAt: r.due_at,
    breachedAt: r.breached_at,
    metAt: r.met_at,
    closedAt: r.closed_at,
    subjectRef: r.subject_ref,
    detail: r.detail,
    boroughId: r.borough_id,
    bcuId: r.bcu_id,
    assigneeTeamId: r.assignee_team_id,
    assigneeStaffId: r.assignee_staff_id,
  }))
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

/**
 * Brings one rule's stored findings into line with its obligations at asOf, set-wise: one query for the
 * obligations, one for the stored findings, then batched inserts and updates of only what changed.
 */
async function applyRule(
  db: Database,
  rule: AnyRule,
  context: RuleContext<Record<string, unknown>>,
  now: Date,
): Promise<Omit<RuleResult, 'ms' | 'ok' | 'ruleId'>> {
  const { asOf, subjects } = context
  const obligations = await deriveObligations(db, rule, context)
  const existing = await existingFindings(db, rule, subjects)
  const byIdentity = new Map(existing.map((e) => [`${e.subjectId}\u0000${e.key}`, e]))

  const inserts: { obligation: DerivedObligation; next: FindingTransition }[] = []
  const updates: { row: Record<string, unknown>; events: { event: FindingEventKind; at: Date }[] }[] = []
  let closed = 0

  for (const o of obligations) {
    const identity = `${o.subjectId}\u0000${o.key}`
    const e = byIdentity.get(identity)
    byIdentity.delete(identity)
    const next = transition(e, o, asOf)
    if (!e) {
      if (next) inserts.push({ obligation: o, next })
      continue
    }
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
  // What is left was not found this time: fixed, or the record no longer matches the rule.
  for (const e of byIdentity.values()) {
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
  }

  const events: EventRow[] = []
  let opened = 0
  for (const batch of chunks(inserts)) {
    const written = await db
      .insertInto('finding')
      .values(
        batch.map(({ obligation: o, next }) => ({
          rule_id: rule.id,
          subject_kind: o.subjectKind,
          subject_id: o.subjectId,
          obligation_key: o.key,
          subject_ref: o.subjectRef,
          status: next.status,
          opened_at: o.startedAt,
          due_at: o.dueAt,
          breached_at: next.breachedAt,
          met_at: next.metAt,
          closed_at: next.closedAt,
          detail: o.detail,
          borough_id: o.boroughId,
          bcu_id: o.bcuId,
          assignee_team_id: o.assigneeTeamId,
          assignee_staff_id: o.assigneeStaffId,
          updated_at: now,
        })),
      )
      // A concurrent evaluation may have opened the same finding: it wins, and writes the history.
      .onConflict((oc) => oc.columns(['rule_id', 'subject_kind', 'subject_id', 'obligation_key']).doNothing())
      .returning(['id', 'subject_id', 'obligation_key'])
      .execute()
    const eventsOf = new Map(
      batch.map((b) => [`${b.obligation.subjectId}\u0000${b.obligation.key}`, b.next.events]),
    )
    for (const w of written) {
      opened++
      for (const ev of eventsOf.get(`${w.subject_id}\u0000${w.obligation_key}`) ?? []) {
        events.push({ finding_id: w.id, at: ev.at, event: ev.event, recorded_at: now })
      }
    }
  }

  let changed = 0
  for (const batch of chunks(updates)) {
    const { rows } = await sql<{ id: string }>`
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
    const written = new Set(rows.map((r) => r.id))
    for (const b of batch) {
      const id = b.row.id as string
      if (!written.has(id)) continue
      changed++
      for (const ev of b.events) events.push({ finding_id: id, at: ev.at, event: ev.event, recorded_at: now })
    }
  }
  for (const batch of chunks(events)) await db.insertInto('finding_event').values(batch).execute()
  return { obligations: obligations.length, opened, changed, closed }
}

let savepointCounter = 0

/**
 * Evaluates rules and stores their findings. A rule that throws is reported and the others carry on: in
 * the caller's transaction its work is rolled back to a savepoint; on its own, its transaction is.
 */
export async function evaluateRules(input: EvaluationInput): Promise<RuleResult[]> {
  const { rules, asOf, subjects, calendar, now } = input
  if (subjects && subjects.length === 0) return []
  const results: RuleResult[] = []
  const executor = input.trx ?? input.db
  let values: ParameterValue[]
  try {
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
  for (const rule of rules) {
    const started = performance.now()
    const context = ruleContext(rule, values, asOf, subjects, calendar)
    try {
      let counts: Omit<RuleResult, 'ms' | 'ok' | 'ruleId'>
      if (input.trx) {
        const savepoint = sql.raw(`standards_rule_${++savepointCounter}`)
        await sql`savepoint ${savepoint}`.execute(input.trx)
        try {
          counts = await applyRule(input.trx, rule, context, now)
          await sql`release savepoint ${savepoint}`.execute(input.trx)
        } catch (error) {
          await sql`rollback to savepoint ${savepoint}`.execute(input.trx)
          throw error
        }
      } else {
        counts = await input.db.transaction().execute((trx) => applyRule(trx, rule, context, now))
      }
      results.push({ ruleId: rule.id, ok: true, ...counts, ms: Math.round(performance.now() - started) })
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
  return results
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
      obligations.push(...found)
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
