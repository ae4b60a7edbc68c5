import {
  type Expression,
  type ExpressionBuilder,
  type RawBuilder,
  type Selectable,
  type SelectQueryBuilder,
  type SqlBool,
  sql,
} from 'kysely'
import { type AccessLogService, accessLogService } from '../platform/access/access-log.ts'
import type { Reach } from '../platform/access/need-to-know.ts'
import type { Clock } from '../platform/clock.ts'
import type { Database } from '../platform/db/database.ts'
import type { DB } from '../platform/db/schema.ts'
import { boroughsWithRecords } from '../platform/http/area-filter.ts'
import { ConflictError, ValidationError } from '../platform/http/errors.ts'
import { countdown } from '../platform/time.ts'
import { urgencySql } from '../platform/urgency.ts'
import { findingKind } from './access.ts'
import type { WorkingDayCalendar } from './calendar.ts'
import { dependentSubjects } from './dependents.ts'
import { evaluateRules, obligationsAt, type RuleResult } from './evaluate.ts'
import { breachedAtOf } from './finding-state.ts'
import { type FindingEventKind, type FindingStatus, openStatuses, statusLabels } from './lifecycle.ts'
import { type ParameterChange, parameterStore } from './parameters.ts'
import type { RuleRegistry } from './registry.ts'
import { type FindingCondition, inScope, isMyWork, type MyWork, scopeParts, type TeamScope } from './scope.ts'
import { pickRules, sweeper } from './sweep-service.ts'

/** A finding as lists, the API and the CLI show it. */
export interface FindingSummary {
  id: string | null
  ruleId: string
  ruleTitle: string
  severity: string
  subjectKind: string
  subjectId: string
  subjectRef: string | null
  subjectLink: string | null
  status: FindingStatus
  statusLabel: string
  openedAt: Date
  dueAt: Date | null
  breachedAt: Date | null
  closedAt: Date | null
  detail: string
  boroughId: string | null
  bcuId: string | null
  assigneeTeamId: string | null
  assigneeStaffId: string | null
  version: number
}

export interface FindingFilter {
  ruleId?: string
  subjectRef?: string
  subjectKind?: string
  subjectId?: string
  /** 'open' means due, breached or acknowledged. */
  status?: FindingStatus | 'open'
  boroughId?: string
  bcuId?: string
  assigneeStaffId?: string
  /** "My work" (`myWorkOf`): assigned to this person, or to one of these teams with no one named. */
  mine?: MyWork
  /** Only findings due at or before this instant (and those breached on sight). */
  dueBefore?: Date
  /** Need to know: only findings this reader may see (`findingKind`). Without it, every finding (the CLI, tests). */
  reach?: Reach
  /** "My team": a supervisor's or lead's work queue (see `teamScope`), read part by part in page order. */
  queue?: TeamScope
  limit?: number
  /** Rows to skip, for paging through a long list. */
  offset?: number
  /**
   * Read in id order after this id (null: from the first), in place of offset and order: an export reads a
   * whole list a batch at a time without sorting or skipping what it has read already.
   */
  afterId?: string | null
  /**
   * A queue of work: what needs doing soonest first at this instant (platform/urgency.ts: not yet due
   * soonest first, then the most recently breached, higher severity among equals). Without it, by due time.
   */
  urgentFirstAt?: Date
}

export type { TeamScope }

/** Who read a list of findings, and how they asked, for the access log. */
export interface FindingsReader {
  actorId: string
  actorName: string
  /** The route or command with its filters: 'GET /my-team?status=open'. */
  query: string
  requestId?: string | null
}

/** Who acts on a finding: their need to know, and the name its history records. */
export interface FindingActor {
  reach: Reach
  by: string
}

export interface StandardsDependencies {
  db: Database
  clock: Clock
  registry: RuleRegistry
  calendar: WorkingDayCalendar
  /** Reports a rule that failed after a write; the write itself goes on. */
  onRuleError?: (
    result: RuleResult,
    context: { subjectKind?: string; subjectIds?: readonly string[] },
  ) => void
  /** Where list reads are logged; by default the access log on `db`. */
  accessLog?: AccessLogService
  /** Boroughs, for per-borough parameter values (the organisation module knows). */
  boroughs?: () => Promise<{ id: string; name: string }[]>
}

type FindingRow = Selectable<DB['finding']>
type QueueRow = { id: string; rule_id: string; subject_id: string } & Record<string, unknown>

/** The order of every findings list, soonest due first; a finding breached on sight by when it opened. */
const queueAt = sql<Date>`coalesce(due_at, opened_at)`

const severityRank: Record<string, number> = { low: 0, medium: 1, high: 2 }

/** One key of a list's order: what to sort by, which way, and its name when a page is merged from parts. */
type OrderKey = { key: RawBuilder<unknown>; desc: boolean; as: string }

function matchesFilter(eb: ExpressionBuilder<DB, 'finding'>, filter: FindingFilter): Expression<SqlBool> {
  const parts: Expression<SqlBool>[] = []
  if (filter.ruleId) parts.push(eb('rule_id', '=', filter.ruleId))
  if (filter.subjectRef) parts.push(eb('subject_ref', '=', filter.subjectRef))
  if (filter.subjectKind) parts.push(eb('subject_kind', '=', filter.subjectKind))
  if (filter.subjectId) parts.push(eb('subject_id', '=', filter.subjectId))
  if (filter.status === 'open') parts.push(eb('closed_at', 'is', null))
  else if (filter.status) parts.push(eb('status', '=', filter.status))
  if (filter.boroughId) parts.push(eb('borough_id', '=', filter.boroughId))
  if (filter.bcuId) parts.push(eb('bcu_id', '=', filter.bcuId))
  if (filter.assigneeStaffId) parts.push(eb('assignee_staff_id', '=', filter.assigneeStaffId))
  if (filter.mine) {
    const { staffId, teamIds } = filter.mine
    const named = eb('assignee_staff_id', '=', staffId)
    parts.push(
      teamIds.length
        ? eb.or([
            named,
            eb.and([eb('assignee_staff_id', 'is', null), eb('assignee_team_id', 'in', [...teamIds])]),
          ])
        : named,
    )
  }
  if (filter.dueBefore) parts.push(eb.or([eb('due_at', '<=', filter.dueBefore), eb('due_at', 'is', null)]))
  if (filter.reach) parts.push(findingKind.where(filter.reach))
  return eb.and(parts)
}

/**
 * The practice standards engine as other code sees it: register rules, evaluate after a write or in a
 * sweep, read and act on findings, set parameters.
 */
export function standardsService(deps: StandardsDependencies) {
  const { db, clock, registry, calendar } = deps
  const parameters = parameterStore(db, clock, registry)
  const accessLog = deps.accessLog ?? accessLogService(db, clock)
  const sweep = sweeper({ db, clock, registry, calendar })

  const summary = (
    row: Omit<FindingRow, 'id' | 'version' | 'obligation_key' | 'detail'> & {
      id: string | null
      version: number
      detail: string
    },
  ): FindingSummary => {
    const rule = registry.get(row.rule_id)
    return {
      id: row.id,
      ruleId: row.rule_id,
      ruleTitle: rule?.title ?? row.rule_id,
      severity: rule?.severity ?? 'medium',
      subjectKind: row.subject_kind,
      subjectId: row.subject_id,
      subjectRef: row.subject_ref,
      subjectLink: registry.subjectLink(row.subject_kind, row.subject_id) ?? null,
      status: row.status as FindingStatus,
      statusLabel: statusLabels[row.status as FindingStatus] ?? row.status,
      openedAt: row.opened_at,
      dueAt: row.due_at,
      breachedAt: row.breached_at,
      closedAt: row.closed_at,
      detail: row.detail,
      boroughId: row.borough_id,
      bcuId: row.bcu_id,
      assigneeTeamId: row.assignee_team_id,
      assigneeStaffId: row.assignee_staff_id,
      version: row.version,
    }
  }

  /**
   * The filter as one condition per part of its queue (see `scopeParts`): each part can be read from the
   * front of an open-finding index in the order the pages show.
   */
  function filterParts(filter: FindingFilter): FindingCondition[] {
    if (!filter.queue) return [(eb) => matchesFilter(eb, filter)]
    return scopeParts(filter.queue).map((part) => (eb) => eb.and([matchesFilter(eb, filter), part(eb)]))
  }

  /**
   * The order of a list: by due time (a finding breached on sight by when it opened), or what needs doing
   * soonest first (`urgentFirstAt`, risk by the rule's severity); then rule and subject, so it is total.
   */
  function orderOf(filter: FindingFilter): OrderKey[] {
    const tail: OrderKey[] = [
      { key: sql`rule_id`, desc: false, as: 'rule_id' },
      { key: sql`subject_id`, desc: false, as: 'subject_id' },
    ]
    if (!filter.urgentFirstAt) return [{ key: queueAt, desc: false, as: 'queue_at' }, ...tail]
    const ranks = registry.all().map((r) => sql`when ${r.id} then ${severityRank[r.severity] ?? 1}`)
    const risk = ranks.length
      ? sql<number>`case rule_id ${sql.join(ranks, sql` `)} else 1 end`
      : sql<number>`1`
    const u = urgencySql(
      { dueAt: sql.ref<Date | null>('due_at'), breachedAt: sql.ref<Date | null>('breached_at'), risk },
      filter.urgentFirstAt,
    )
    return [
      { key: u.group, desc: false, as: 'u_group' },
      { key: u.soonest, desc: false, as: 'u_soonest' },
      { key: u.latest, desc: true, as: 'u_latest' },
      { key: u.risk, desc: true, as: 'u_risk' },
      ...tail,
    ]
  }

  async function listFindings(filter: FindingFilter = {}): Promise<FindingSummary[]> {
    const limit = filter.limit ?? 1000
    const offset = filter.offset ?? 0
    const parts = filterParts(filter)
    if (parts.length === 0) return []
    if (filter.afterId !== undefined) {
      const after = filter.afterId
      const rows = await db
        .selectFrom('finding')
        .selectAll()
        .where((eb) => eb.or(parts.map((part) => part(eb))))
        .$if(after !== null, (q) => q.where('id', '>', after as string))
        .orderBy('id')
        .limit(limit)
        .execute()
      return rows.map(summary)
    }
    const order = orderOf(filter)
    const inOrder = <Q extends SelectQueryBuilder<DB, 'finding', object>>(
      query: Q,
      by = (k: OrderKey) => k.key,
    ) =>
      order.reduce(
        (q, k) => q.orderBy(by(k), k.desc ? 'desc' : 'asc'),
        query as SelectQueryBuilder<DB, 'finding', object>,
      ) as Q
    if (parts.length === 1) {
      const rows = await inOrder(
        db
          .selectFrom('finding')
          .selectAll()
          .where(parts[0] as FindingCondition),
      )
        .limit(limit)
        .offset(offset)
        .execute()
      return rows.map(summary)
    }
    // Several parts (a supervisor's team and each borough's unowned findings): the first offset + limit of
    // each, merged. Read by due time, each part is read in index order, so no open finding beyond the page
    // is sorted.
    const heads = parts.map((part) =>
      inOrder(
        db
          .selectFrom('finding')
          .select(order.map((k) => k.key.as(k.as)))
          .select('id')
          .where(part),
      ).limit(offset + limit),
    )
    const merged = db
      .selectFrom(sql<QueueRow>`(${sql.join(heads, sql` union all `)})`.as('queue'))
      .innerJoin('finding', 'finding.id', 'queue.id')
      .selectAll('finding')
    const rows = await order
      .reduce((q, k) => q.orderBy(sql.ref(`queue.${k.as}`), k.desc ? 'desc' : 'asc'), merged)
      .limit(limit)
      .offset(offset)
      .execute()
    return rows.map(summary)
  }

  /** How many findings match, for "showing 1 to 100 of 1,027": the parts' counts added up. */
  async function countFindings(filter: FindingFilter = {}): Promise<number> {
    const parts = filterParts(filter).map((part) =>
      db.selectFrom('finding').select(sql<number>`1`.as('one')).where(part),
    )
    if (parts.length === 0) return 0
    const row = await db
      .selectFrom(sql<{ one: number }>`(${sql.join(parts, sql` union all `)})`.as('scoped'))
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    return Number(row.n)
  }

  /** Findings computed at asOf from the data, not stored: what was due and late at that instant. */
  async function findingsAt(asOf: Date, filter: FindingFilter = {}) {
    const rules = pickRules(registry, filter.ruleId ? [filter.ruleId] : undefined)
    const { obligations, results } = await obligationsAt(db, calendar, rules, asOf)
    const findings = obligations
      .map((o) =>
        summary({
          id: null,
          version: 0,
          rule_id: o.ruleId,
          subject_kind: o.subjectKind,
          subject_id: o.subjectId,
          subject_ref: o.subjectRef,
          status: o.state,
          opened_at: o.startedAt,
          due_at: o.dueAt,
          breached_at: breachedAtOf(o, o.state),
          met_at: o.metAt,
          closed_at: o.metAt,
          acknowledged_at: null,
          acknowledged_by: null,
          acknowledged_note: null,
          resolved_by: null,
          resolved_reason: null,
          detail: o.detail,
          borough_id: o.boroughId,
          bcu_id: o.bcuId,
          assignee_team_id: o.assigneeTeamId,
          assignee_staff_id: o.assigneeStaffId,
          updated_at: asOf,
        }),
      )
      .filter(
        (f) =>
          (!filter.subjectRef || f.subjectRef === filter.subjectRef) &&
          (!filter.subjectKind || f.subjectKind === filter.subjectKind) &&
          (!filter.subjectId || f.subjectId === filter.subjectId) &&
          (!filter.status ||
            (filter.status === 'open' ? openStatuses.includes(f.status) : f.status === filter.status)) &&
          (!filter.boroughId || f.boroughId === filter.boroughId) &&
          (!filter.bcuId || f.bcuId === filter.bcuId) &&
          (!filter.assigneeStaffId || f.assigneeStaffId === filter.assigneeStaffId) &&
          (!filter.mine || isMyWork(filter.mine, f)) &&
          (!filter.reach || findingKind.canSee(filter.reach, f)) &&
          (!filter.queue || inScope(filter.queue, f)),
      )
      .sort(
        (a, b) =>
          (a.dueAt ?? a.openedAt).getTime() - (b.dueAt ?? b.openedAt).getTime() ||
          a.ruleId.localeCompare(b.ruleId) ||
          a.subjectId.localeCompare(b.subjectId),
      )
    return { findings, results }
  }

  /** One finding with its history; outside the reader's need to know it does not exist (404). */
  async function finding(id: string, reach: Reach) {
    const row = /^[0-9a-f-]{36}$/i.test(id)
      ? await db.selectFrom('finding').selectAll().where('id', '=', id).executeTakeFirst()
      : undefined
    const found = row && { ...summary(row), stored: row }
    findingKind.mustSee(reach, found, 'There is no such finding')
    const { stored, ...shown } = found
    const events = await db
      .selectFrom('finding_event')
      .select(['at', 'event', 'by', 'note'])
      .where('finding_id', '=', id)
      .orderBy('at')
      .orderBy('id')
      .execute()
    return {
      ...shown,
      rule: registry.get(stored.rule_id),
      acknowledgedBy: stored.acknowledged_by,
      acknowledgedAt: stored.acknowledged_at,
      acknowledgedNote: stored.acknowledged_note,
      resolvedBy: stored.resolved_by,
      resolvedReason: stored.resolved_reason,
      metAt: stored.met_at,
      events: events.map((e) => ({ ...e, event: e.event as FindingEventKind })),
    }
  }

  /**
   * A person's action on an open finding within their need to know: one update guarded by the version they
   * saw, and its history.
   */
  async function act(
    id: string,
    version: number | undefined,
    event: 'acknowledged' | 'resolved_by_supervisor',
    { reach, by }: FindingActor,
    note: string,
  ) {
    const field = event === 'acknowledged' ? 'note' : 'reason'
    const text = note.trim()
    if (!text) throw new ValidationError([{ field, reason: `Enter the ${field}` }])
    if (text.length > 2000)
      throw new ValidationError([{ field, reason: `The ${field} must be 2000 characters or fewer` }])
    const current = await finding(id, reach)
    if (!openStatuses.includes(current.status)) {
      throw new ConflictError('This finding is already closed: reload the page to see what changed.')
    }
    const now = clock.now()
    await db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('finding')
        .set(
          event === 'acknowledged'
            ? { status: 'acknowledged', acknowledged_by: by, acknowledged_at: now, acknowledged_note: text }
            : { status: 'resolved_by_supervisor', resolved_by: by, resolved_reason: text, closed_at: now },
        )
        .set((eb) => ({ version: eb('version', '+', 1), updated_at: now }))
        .where('id', '=', id)
        .where('version', '=', version ?? current.version)
        .where('closed_at', 'is', null)
        .returning('id')
        .executeTakeFirst()
      if (!updated) throw new ConflictError()
      await trx
        .insertInto('finding_event')
        .values({ finding_id: id, at: now, event, by, note: text, recorded_at: now })
        .execute()
    })
  }

  /**
   * A parameter is a fact the rules read: once it is in force, its rule is re-derived at once (a change
   * dated to take effect later is the steady sweep's, `sweep`), so no finding waits for a write or a sweep.
   */
  const parametersInForce = {
    ...parameters,
    async set(change: ParameterChange): Promise<{ id: string }> {
      const row = await parameters.set(change)
      if (change.effectiveFrom <= clock.now()) {
        const results = await sweep({ ruleIds: [change.ruleId] })
        for (const r of results)
          if (!r.ok) deps.onRuleError?.(r, { subjectKind: 'parameter', subjectIds: [row.id] })
      }
      return row
    },
  }

  return {
    registry,
    calendar,
    parameters: parametersInForce,
    now: () => clock.now(),
    /** Where the engine logs reads of findings; exports of findings lists log there too. */
    accessLog,
    register: registry.register,
    registerSubjectLink: registry.registerSubjectLink,
    rules: () => registry.all(),
    rule: (id: string) => registry.get(id),

    /** Evaluates and stores. Without `trx`, each rule commits on its own. */
    evaluate(
      options: {
        ruleIds?: readonly string[]
        subjects?: readonly string[]
        asOf?: Date
        trx?: Database
      } = {},
    ) {
      return evaluateRules({
        db,
        calendar,
        rules: pickRules(registry, options.ruleIds),
        asOf: options.asOf ?? clock.now(),
        now: clock.now(),
        ...(options.subjects ? { subjects: options.subjects } : {}),
        ...(options.trx ? { trx: options.trx } : {}),
      })
    },

    /**
     * Call in the same transaction, after writing records of `subjectKind`: re-evaluates that kind's rules
     * for those records, set-wise (an import passes every id it wrote in one call). A failing rule is
     * reported and rolled back to its savepoint; the write goes on.
     */
    async afterWrite(
      trx: Database,
      subjectKind: string,
      subjectIds: readonly string[],
    ): Promise<RuleResult[]> {
      const rules = registry.forKind(subjectKind)
      if (rules.length === 0 || subjectIds.length === 0) return []
      const now = clock.now()
      const results = await evaluateRules({ db, trx, calendar, rules, subjects: subjectIds, asOf: now, now })
      for (const r of results) if (!r.ok) deps.onRuleError?.(r, { subjectKind, subjectIds })
      return results
    },

    /**
     * The subjects each rule reading these rows (`dependsOn`, by table, their ids) maps them to now. Read
     * before rows are rewritten and passed to `afterChange` as `before`, a subject a row leaves (an episode
     * moved to another unit) is judged again too.
     */
    dependents: (trx: Database, changed: ReadonlyMap<string, readonly string[]>) =>
      dependentSubjects(trx, registry, changed),
    /** Whether any rule reads rows of `table` (`dependsOn`): a write of others needs no `dependents`. */
    readsTable: (table: string) => registry.dependingOn(table).length > 0,

    /**
     * After rows of other tables were written (by table, their ids): re-evaluates, in the same transaction,
     * each rule that reads them (`dependsOn`) for the subjects they map to, and those they mapped to
     * `before` the write, bar those `evaluated` already holds by kind (a batch's own subjects, evaluated
     * with every rule of their kind).
     */
    async afterChange(
      trx: Database,
      changed: ReadonlyMap<string, readonly string[]>,
      evaluated: ReadonlyMap<string, readonly string[]> = new Map(),
      before: ReadonlyMap<string, readonly string[]> = new Map(),
    ): Promise<RuleResult[]> {
      const results: RuleResult[] = []
      const now = clock.now()
      const after = await dependentSubjects(trx, registry, changed)
      for (const ruleId of new Set([...after.keys(), ...before.keys()])) {
        const rule = registry.get(ruleId)
        if (!rule) continue
        const done = new Set(evaluated.get(rule.appliesTo) ?? [])
        const subjects = [...new Set([...(after.get(ruleId) ?? []), ...(before.get(ruleId) ?? [])])].filter(
          (id) => !done.has(id),
        )
        if (subjects.length === 0) continue
        const found = await evaluateRules({ db, trx, calendar, rules: [rule], subjects, asOf: now, now })
        for (const r of found)
          if (!r.ok) deps.onRuleError?.(r, { subjectKind: rule.appliesTo, subjectIds: subjects })
        results.push(...found)
      }
      return results
    },

    sweep,

    async boroughs(): Promise<{ id: string; name: string }[]> {
      return deps.boroughs ? deps.boroughs() : []
    },
    /** The boroughs that have an open finding, for the lists' area filters (`areaFilterItems`). */
    boroughsWithOpenFindings: () => boroughsWithRecords(db, 'finding', sql`r.closed_at is null`),

    listFindings,
    countFindings,
    findingsAt,
    finding,
    /** For a record's own page: each open finding with its countdown, as the queues show it. */
    async findingsForSubject(subjectKind: string, subjectId: string) {
      const now = clock.now()
      return (await listFindings({ subjectKind, subjectId })).map((f) => ({
        ...f,
        countdown: f.closedAt === null && f.dueAt ? countdown(f.dueAt, now) : null,
      }))
    },
    acknowledge: (id: string, actor: FindingActor, note: string, version?: number) =>
      act(id, version, 'acknowledged', actor, note),
    resolve: (id: string, actor: FindingActor, reason: string, version?: number) =>
      act(id, version, 'resolved_by_supervisor', actor, reason),

    /** One finding someone opened: a finding names a record and what is wrong with the child's care. */
    logRead(reader: FindingsReader, findingId: string) {
      return accessLog.record({
        actorId: reader.actorId,
        actorName: reader.actorName,
        action: 'read',
        subjectKind: findingKind.kind,
        subjectId: findingId,
        requestId: reader.requestId ?? null,
      })
    },

    /**
     * A list of findings someone read (a page, an API answer, a CLI listing): one access-log row naming the
     * query and every finding shown. A finding computed at an instant has no id of its own: it is named by
     * its rule and subject.
     */
    logListRead(
      reader: FindingsReader,
      findings: readonly FindingSummary[],
      detail?: Record<string, unknown>,
    ) {
      return accessLog.recordList({
        actorId: reader.actorId,
        actorName: reader.actorName,
        subjectKind: findingKind.kind,
        query: reader.query,
        ids: findings.map((f) => f.id ?? `${f.ruleId}/${f.subjectKind}/${f.subjectId}`),
        requestId: reader.requestId ?? null,
        ...(detail ? { detail } : {}),
      })
    },
  }
}

export type StandardsService = ReturnType<typeof standardsService>
