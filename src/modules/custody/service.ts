import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { z } from 'zod'
import type { AccessLogService } from '../../platform/access/access-log.ts'
import { type Reach, reachOf } from '../../platform/access/need-to-know.ts'
import type { Principal } from '../../platform/auth/principal.ts'
import type { Clock } from '../../platform/clock.ts'
import type { Database, Executor, Transaction } from '../../platform/db/database.ts'
import { type HistoryRow, recordMany } from '../../platform/db/history.ts'
import {
  ConflictError,
  type FieldError,
  ForbiddenError,
  ValidationError,
} from '../../platform/http/errors.ts'
import { londonDate } from '../../platform/time.ts'
import { type ChildFacts, childrenByRefOrId } from '../children/service/find-people.ts'
import { type TeamOnDay, teamKinds, teamsOnDays } from '../organisation/lookups.ts'
import type { OrganisationService } from '../organisation/service.ts'
import { custodyReach, detentionKind } from './access.ts'
import {
  ageAtArrest,
  type CustodyEvent,
  type DetentionClocks,
  detentionClocks,
  type EventInput,
  type EventKind,
  eventInput,
  eventKindLabels,
  juvenileCheck,
  timelineErrors,
  transferDestinations,
} from './custody.ts'
import { paceParametersAt } from './pace-parameters.ts'

/** Rules run on the records just written, inside the writing transaction (the standards engine's hook). */
export type AfterWrite = (trx: Transaction, kind: string, ids: readonly string[]) => Promise<unknown>

export interface CustodyDependencies {
  organisation: OrganisationService
  accessLog: AccessLogService
  afterWrite?: AfterWrite
}

/** Who is acting, as the history and the access log record them. */
export interface CustodyActor {
  id: string
  username: string
}

const refText = z.string().trim().min(1, 'enter a reference').max(200, 'must be 200 characters or fewer')

/** A detention's own facts, as the forms, the API and the import give them. */
export const detentionInput = z
  .object({
    child: refText.describe('The child’s person reference (KP-...) or id'),
    custodySuite: refText.describe('The custody suite: its team id or name'),
    custodyRecordNumber: z.string().trim().max(50).optional(),
    offences: z
      .array(z.string().trim().min(1, 'enter the offence').max(200))
      .min(1, 'enter at least one offence')
      .max(20, 'enter at most 20 offences'),
    arrestedAt: z.coerce.date({ message: 'must be a date and time' }),
    appearsUnder18: z.boolean().default(false),
    pacRef: z.string().trim().min(1).max(200).optional(),
    /** When the PAC was linked; defaults to the time of writing. */
    pacLinkedAt: z.coerce.date({ message: 'must be a date and time' }).optional(),
  })
  .strict()
export type DetentionInput = z.infer<typeof detentionInput>

export interface Detention {
  id: string
  ref: string
  personId: string
  suiteId: string
  boroughId: string | null
  bcuId: string | null
  custodyRecordNumber: string | null
  offences: string[]
  arrestedAt: Date
  ageAtArrest: number | null
  appearsUnder18: boolean
  pacRef: string | null
  pacLinkedAt: Date | null
  version: number
}

type DetentionRow = {
  id: string
  ref: string
  person_id: string
  custody_suite_team_id: string
  borough_id: string | null
  bcu_id: string | null
  custody_record_number: string | null
  offences: string[]
  arrested_at: Date
  age_at_arrest: number | null
  appears_under_18: boolean
  pac_ref: string | null
  pac_linked_at: Date | null
  version: number
}

const toDetention = (r: DetentionRow): Detention => ({
  id: r.id,
  ref: r.ref,
  personId: r.person_id,
  suiteId: r.custody_suite_team_id,
  boroughId: r.borough_id,
  bcuId: r.bcu_id,
  custodyRecordNumber: r.custody_record_number,
  offences: r.offences,
  arrestedAt: r.arrested_at,
  ageAtArrest: r.age_at_arrest,
  appearsUnder18: r.appears_under_18,
  pacRef: r.pac_ref,
  pacLinkedAt: r.pac_linked_at,
  version: r.version,
})

/** Event columns: the input's camelCase name and the table's. */
const eventColumns = [
  ['personName', 'person_name'],
  ['aaRelationship', 'aa_relationship'],
  ['officerName', 'officer_name'],
  ['officerRank', 'officer_rank'],
  ['aaPresent', 'aa_present'],
  ['countersigned', 'countersigned'],
  ['inPerson', 'in_person'],
  ['absenceReason', 'absence_reason'],
  ['observationLevel', 'observation_level'],
  ['endedAt', 'ended_at'],
  ['urgentInterviewAuthorised', 'urgent_interview_authorised'],
  ['searchType', 'search_type'],
  ['personsPresent', 'persons_present'],
  ['urgencyReason', 'urgency_reason'],
  ['extensionKind', 'extension_kind'],
  ['extendedUntil', 'extended_until'],
  ['bailRefused', 'bail_refused'],
  ['secure', 'secure'],
  ['localAuthority', 'local_authority'],
  ['ratifiedBy', 'ratified_by'],
  ['ratifiedAt', 'ratified_at'],
  ['laResponse', 'la_response'],
  ['relatedEventId', 'related_event_id'],
  ['representations', 'representations'],
  ['destination', 'destination'],
  ['reason', 'reason'],
  ['note', 'note'],
] as const

const timeColumns = new Set(['ended_at', 'extended_until', 'ratified_at'])

export function toEvent(row: Record<string, unknown>): CustodyEvent {
  const event: Record<string, unknown> = { id: row.id, kind: row.kind, at: new Date(row.at as string) }
  for (const [camel, snake] of eventColumns) {
    const value = row[snake]
    event[camel] =
      value === null || value === undefined
        ? null
        : timeColumns.has(snake)
          ? new Date(value as string)
          : value
  }
  return event as unknown as CustodyEvent
}

/** One event as a table row; empty text becomes null. */
function eventRow(event: EventInput & { id: string }, detentionId: string, actor: string, now: Date) {
  const row: Record<string, unknown> = {
    id: event.id,
    detention_id: detentionId,
    kind: event.kind,
    at: event.at.toISOString(),
    recorded_by: actor,
    recorded_at: now.toISOString(),
  }
  const source = event as unknown as Record<string, unknown>
  for (const [camel, snake] of eventColumns) {
    let value = source[camel]
    if (typeof value === 'string' && value.trim() === '') value = undefined
    row[snake] = value instanceof Date ? value.toISOString() : (value ?? null)
  }
  return row
}

const eventColumnList = sql.raw(
  ['id', 'detention_id', 'kind', 'at', ...eventColumns.map(([, s]) => s), 'recorded_by', 'recorded_at'].join(
    ', ',
  ),
)
const eventRecordType = sql.raw(
  [
    'id uuid',
    'detention_id uuid',
    'kind text',
    'at timestamptz',
    ...eventColumns.map(([, s]) =>
      [
        'aa_present',
        'countersigned',
        'in_person',
        'urgent_interview_authorised',
        'bail_refused',
        'secure',
      ].includes(s)
        ? `${s} boolean`
        : timeColumns.has(s)
          ? `${s} timestamptz`
          : s === 'related_event_id'
            ? `${s} uuid`
            : `${s} text`,
    ),
    'recorded_by text',
    'recorded_at timestamptz',
  ].join(', '),
)

/** Inserts events set-wise: one statement however many there are. */
async function insertEvents(trx: Executor, rows: Record<string, unknown>[]) {
  for (let i = 0; i < rows.length; i += 2000) {
    const chunk = rows.slice(i, i + 2000)
    await sql`insert into custody_event (${eventColumnList})
      select ${eventColumnList} from jsonb_to_recordset(cast(${JSON.stringify(chunk)} as jsonb)) as x(${eventRecordType})`.execute(
      trx,
    )
  }
}

/** A detention with its events as a caller gives them (events may point at earlier ones as "#index"). */
export interface DetentionSubmission {
  /** Where errors point: '' for a form, 'events' on the API, a line of an import. */
  ref?: string
  detention: DetentionInput
  events: EventInput[]
}

export interface WrittenDetention {
  id: string
  ref: string
  created: boolean
}

/**
 * Validates and writes detentions with their whole timelines, replacing the timeline of a detention that
 * already has the ref (so an import can be run again). All-or-nothing: any error, nothing written. Errors
 * are listed per submission index.
 */
export async function writeDetentions(
  trx: Transaction,
  submissions: readonly DetentionSubmission[],
  actor: string,
  now: Date,
): Promise<{ written: WrittenDetention[] } | { errors: { index: number; errors: FieldError[] }[] }> {
  const children = await childrenByRefOrId(
    trx,
    submissions.map((s) => s.detention.child),
  )
  const suites = await teamsOnDays(
    trx,
    submissions.map((s) => ({ key: s.detention.custodySuite, day: londonDate(s.detention.arrestedAt) })),
  )
  const failures: { index: number; errors: FieldError[] }[] = []
  const prepared: {
    submission: DetentionSubmission
    child: ChildFacts
    suite: TeamOnDay
    age: number | null
    events: (EventInput & { id: string })[]
  }[] = []
  submissions.forEach((submission, index) => {
    const errors: FieldError[] = []
    const d = submission.detention
    const child = children.get(d.child)
    const suite = suites.get(`${londonDate(d.arrestedAt)}\u0000${d.custodySuite}`)
    if (!child) errors.push({ field: 'child', reason: `There is no person with the reference ${d.child}` })
    if (!suite) errors.push({ field: 'custodySuite', reason: `There is no team called ${d.custodySuite}` })
    else if (suite.kind !== 'custody_suite') {
      errors.push({ field: 'custodySuite', reason: `${suite.name} is not a custody suite` })
    }
    if (d.arrestedAt > now) errors.push({ field: 'arrestedAt', reason: 'The arrest time is in the future' })
    const age = child ? ageAtArrest(child, d.arrestedAt) : null
    if (child) errors.push(...juvenileCheck(age, d.appearsUnder18))
    const ids = submission.events.map(() => randomUUID())
    const events = submission.events.map((e, i) => {
      const related = 'relatedEventId' in e ? e.relatedEventId : undefined
      const resolved =
        typeof related === 'string' && /^#\d+$/.test(related) ? ids[Number(related.slice(1))] : related
      return {
        ...e,
        id: ids[i] as string,
        ...(related !== undefined ? { relatedEventId: resolved as string } : {}),
      }
    })
    errors.push(...timelineErrors(d.arrestedAt, events, { now }))
    if (errors.length || !child || !suite) failures.push({ index, errors })
    else prepared.push({ submission, child, suite, age, events })
  })
  if (failures.length) return { errors: failures }

  const refs = prepared.map((p) => p.submission.ref).filter((r): r is string => Boolean(r))
  const existing = refs.length
    ? await trx
        .selectFrom('custody_detention')
        .select(['id', 'ref', 'version'])
        .where('ref', 'in', refs)
        .execute()
    : []
  const existingByRef = new Map(existing.map((e) => [e.ref, e]))
  const written: WrittenDetention[] = []
  const eventRows: Record<string, unknown>[] = []
  const history: HistoryRow[] = []
  const planned = prepared.map((p) => {
    const d = p.submission.detention
    const values = {
      person_id: p.child.id,
      custody_suite_team_id: p.suite.id,
      borough_id: p.suite.boroughId,
      bcu_id: p.suite.bcuId,
      custody_record_number: d.custodyRecordNumber ?? null,
      offences: d.offences,
      arrested_at: d.arrestedAt,
      age_at_arrest: p.age,
      appears_under_18: d.appearsUnder18,
      pac_ref: d.pacRef ?? null,
      pac_linked_at: d.pacRef ? (d.pacLinkedAt ?? now) : null,
      updated_at: now,
    }
    const before = p.submission.ref ? existingByRef.get(p.submission.ref) : undefined
    return { p, values, before, id: before?.id ?? randomUUID(), version: 0 }
  })
  // Detentions already held (a re-run import) are updated one by one and their timelines replaced; new
  // ones go in set-wise, with their ids chosen here so each row is known without relying on row order.
  const replaced: string[] = []
  for (const plan of planned) {
    if (!plan.before) continue
    const row = await trx
      .updateTable('custody_detention')
      .set((eb) => ({ ...plan.values, version: eb('version', '+', 1) }))
      .where('id', '=', plan.before.id)
      .returning(['id', 'version'])
      .executeTakeFirstOrThrow()
    plan.version = row.version
    replaced.push(row.id)
  }
  if (replaced.length) await trx.deleteFrom('custody_event').where('detention_id', 'in', replaced).execute()
  const created = planned.filter((plan) => !plan.before)
  for (let i = 0; i < created.length; i += 1000) {
    const chunk = created.slice(i, i + 1000)
    const rows = await trx
      .insertInto('custody_detention')
      .values(
        chunk.map((plan) => ({
          id: plan.id,
          ...plan.values,
          ...(plan.p.submission.ref ? { ref: plan.p.submission.ref } : {}),
          created_at: now,
        })),
      )
      .returning(['id', 'ref', 'version'])
      .execute()
    const byId = new Map(rows.map((r) => [r.id, r]))
    for (const plan of chunk) {
      const row = byId.get(plan.id)
      if (!row) throw new Error(`internal: detention ${plan.id} was not inserted`)
      plan.version = row.version
      plan.p.submission.ref = row.ref
    }
  }
  for (const { p, values, before, id, version } of planned) {
    written.push({ id, ref: p.submission.ref as string, created: !before })
    for (const e of p.events) eventRows.push(eventRow(e, id, actor, now))
    history.push({
      table: 'custody_detention',
      id,
      version,
      action: before ? 'update' : 'create',
      changedBy: actor,
      changedAt: now,
      changes: { ...values, events: [null, p.events.length] },
    })
  }
  // Reviews told and LA responses point at earlier events: insert in timeline order so references exist.
  const order = new Map(eventRows.map((r, i) => [r.id as string, i]))
  eventRows.sort(
    (a, b) =>
      Number(Boolean(a.related_event_id)) - Number(Boolean(b.related_event_id)) ||
      (order.get(a.id as string) ?? 0) - (order.get(b.id as string) ?? 0),
  )
  await insertEvents(trx, eventRows)
  await recordMany(trx, history)
  return { written }
}

export interface DetentionListItem {
  detention: Detention
  child: ChildFacts | undefined
  suiteName: string
  clocks: DetentionClocks
  openFindings?: number
}

export function custodyService(db: Database, clock: Clock, deps: CustodyDependencies) {
  const { organisation, accessLog } = deps

  /**
   * The asker's reach over detentions (access.ts), narrowed when they work in a custody suite. Call it before
   * a transaction opens or pass the transaction: the suite lookup must not wait on the outer handle.
   */
  async function reachOver(asker: Reach, q: Executor = db): Promise<Reach> {
    if (asker.forceWide || asker.teamIds.length === 0) return asker
    const kinds = await teamKinds(q, asker.teamIds)
    return custodyReach(
      asker,
      asker.teamIds.filter((t) => kinds.get(t) === 'custody_suite'),
    )
  }
  const reachFor = (principal: Principal) => reachOver(reachOf(principal))

  async function eventsOf(
    q: Executor,
    detentionIds: readonly string[],
  ): Promise<Map<string, CustodyEvent[]>> {
    const out = new Map<string, CustodyEvent[]>()
    if (detentionIds.length === 0) return out
    const rows = await q
      .selectFrom('custody_event')
      .selectAll()
      .where('detention_id', 'in', [...detentionIds])
      .orderBy('at')
      .orderBy('recorded_at')
      .execute()
    for (const r of rows) {
      const list = out.get(r.detention_id) ?? []
      list.push(toEvent(r as unknown as Record<string, unknown>))
      out.set(r.detention_id, list)
    }
    return out
  }

  async function detentionRow(q: Executor, id: string, lock = false): Promise<DetentionRow | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined
    let query = q.selectFrom('custody_detention').selectAll().where('id', '=', id)
    if (lock) query = query.forUpdate()
    return (await query.executeTakeFirst()) as DetentionRow | undefined
  }

  async function suiteNames(): Promise<Map<string, TeamOnDay & { name: string }>> {
    const force = await organisation.force().catch(() => undefined)
    if (!force) return new Map()
    const teams = await organisation.teams(force.id)
    return new Map(
      teams
        .filter((t) => t.kind === 'custody_suite')
        .map((t) => [t.id, { id: t.id, name: t.name, kind: t.kind, boroughId: t.boroughId, bcuId: t.bcuId }]),
    )
  }

  const service = {
    /** Custody suites the person may record detentions in: those whose detentions they would see. */
    async suitesFor(principal: Principal) {
      const reach = await reachFor(principal)
      const suites = [...(await suiteNames()).values()]
      return suites.filter((s) =>
        detentionKind.canSee(reach, { borough_id: s.boroughId, custody_suite_team_id: s.id }),
      )
    },

    /** Records a new detention with any events known so far. */
    async create(
      submission: { detention: DetentionInput; events?: EventInput[] },
      principal: Principal,
    ): Promise<Detention> {
      const now = clock.now()
      const reach = await reachFor(principal)
      return db.transaction().execute(async (trx) => {
        const result = await writeDetentions(
          trx,
          [{ detention: submission.detention, events: submission.events ?? [] }],
          principal.id,
          now,
        )
        if ('errors' in result) throw new ValidationError(result.errors.flatMap((e) => e.errors))
        const written = result.written[0] as WrittenDetention
        const row = (await detentionRow(trx, written.id)) as DetentionRow
        // A detention the recorder could not then see is refused, and nothing of it is kept.
        if (!detentionKind.canSee(reach, row))
          throw new ForbiddenError('You can record detentions only in your own custody suite')
        await accessLog.record(
          {
            actorId: principal.id,
            actorName: principal.username,
            action: 'create',
            subjectKind: detentionKind.kind,
            subjectId: written.id,
          },
          trx,
        )
        await deps.afterWrite?.(trx, detentionKind.kind, [written.id])
        return toDetention(row)
      })
    },

    /**
     * Adds one event to a detention read at `version`. The whole timeline is checked with the new event in
     * it; a stale version is a conflict, so two officers cannot record past each other unseen.
     */
    async addEvent(
      id: string,
      version: number,
      input: EventInput,
      principal: Principal,
    ): Promise<CustodyEvent> {
      const parsed = eventInput.safeParse(input)
      if (!parsed.success) {
        throw new ValidationError(
          parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'kind', reason: i.message })),
        )
      }
      const event = parsed.data
      const now = clock.now()
      const reach = await reachFor(principal)
      return db.transaction().execute(async (trx) => {
        const row = await detentionRow(trx, id, true)
        detentionKind.mustSee(reach, row, 'There is no such detention')
        const detention = toDetention(row)
        if (row.version !== version) throw new ConflictError()
        const existing = (await eventsOf(trx, [id])).get(id) ?? []
        const newEvent = { ...event, id: randomUUID() }
        const errors = timelineErrors(detention.arrestedAt, [...existing, newEvent as never], {
          now,
          fieldOf: () => '',
          check: new Set([existing.length]),
        })
        if (errors.length) throw new ValidationError(errors)
        await insertEvents(trx, [eventRow(newEvent, id, principal.id, now)])
        await trx
          .updateTable('custody_detention')
          .set({ version: version + 1, updated_at: now })
          .where('id', '=', id)
          .execute()
        await recordMany(trx, [
          {
            table: 'custody_detention',
            id,
            version: version + 1,
            action: 'update',
            changedBy: principal.id,
            changedAt: now,
            changes: { event: [null, { kind: event.kind, at: event.at.toISOString(), id: newEvent.id }] },
          },
        ])
        await accessLog.record(
          {
            actorId: principal.id,
            actorName: principal.username,
            action: 'update',
            subjectKind: detentionKind.kind,
            subjectId: id,
            detail: { event: event.kind },
          },
          trx,
        )
        await deps.afterWrite?.(trx, detentionKind.kind, [id])
        return toEvent({ ...eventRow(newEvent, id, principal.id, now) })
      })
    },

    /** Links the Merlin PAC that records this detention (CUS-12). */
    async linkPac(id: string, version: number, pacRef: string, principal: Principal): Promise<void> {
      const ref = pacRef.trim()
      if (!ref || ref.length > 200)
        throw new ValidationError([{ field: 'pacRef', reason: 'Enter the PAC reference' }])
      const now = clock.now()
      const reach = await reachFor(principal)
      await db.transaction().execute(async (trx) => {
        const row = await detentionRow(trx, id, true)
        detentionKind.mustSee(reach, row, 'There is no such detention')
        if (row.version !== version) throw new ConflictError()
        await trx
          .updateTable('custody_detention')
          .set({ pac_ref: ref, pac_linked_at: now, version: version + 1, updated_at: now })
          .where('id', '=', id)
          .execute()
        await recordMany(trx, [
          {
            table: 'custody_detention',
            id,
            version: version + 1,
            action: 'update',
            changedBy: principal.id,
            changedAt: now,
            changes: { pac_ref: [row.pac_ref, ref] },
          },
        ])
        await deps.afterWrite?.(trx, detentionKind.kind, [id])
      })
    },

    /** One detention with its timeline and clocks, for someone allowed to see it; the read is logged. */
    async get(id: string, principal: Principal, asOf: Date = clock.now()) {
      const row = await detentionRow(db, id)
      detentionKind.mustSee(await reachFor(principal), row, 'There is no such detention')
      const detention = toDetention(row)
      const events = (await eventsOf(db, [id])).get(id) ?? []
      const child = (await childrenByRefOrId(db, [detention.personId])).get(detention.personId)
      const suite = await organisation.team(detention.suiteId)
      await accessLog.record({
        actorId: principal.id,
        actorName: principal.username,
        action: 'read',
        subjectKind: detentionKind.kind,
        subjectId: id,
      })
      return {
        detention,
        events,
        child,
        suiteName: suite?.name ?? '',
        clocks: detentionClocks(events, asOf, await paceParametersAt(db, asOf)),
      }
    },

    /**
     * The custody inspector's view: every child in the person's suites still in custody (and, with
     * `recentHours`, those who left in that many hours), with their clocks, soonest deadline first. The read
     * is logged as one row naming `read.query` and every detention shown.
     */
    async list(
      principal: Principal,
      read: { query: string; requestId?: string | null },
      options: { recentHours?: number; asOf?: Date; limit?: number } = {},
    ) {
      const asOf = options.asOf ?? clock.now()
      const reach = await reachFor(principal)
      const since = new Date(asOf.getTime() - (options.recentHours ?? 0) * 3_600_000)
      const query = db
        .selectFrom('custody_detention as d')
        .selectAll('d')
        .where(detentionKind.where(reach, 'd'))
        .where('d.arrested_at', '<=', asOf)
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('custody_event as e')
                .select('e.id')
                .whereRef('e.detention_id', '=', 'd.id')
                .where('e.kind', '=', 'left_custody')
                .where('e.at', '<', since),
            ),
          ),
        )
      // Children arrested long ago and never recorded as leaving are still shown: they may still be held.
      const rows = (await query
        .orderBy('d.arrested_at', 'desc')
        .limit(options.limit ?? 500)
        .execute()) as DetentionRow[]
      const detentions = rows.map(toDetention)
      const events = await eventsOf(
        db,
        detentions.map((d) => d.id),
      )
      const children = await childrenByRefOrId(
        db,
        detentions.map((d) => d.personId),
      )
      const suites = await suiteNames()
      const pace = await paceParametersAt(db, asOf)
      const items: DetentionListItem[] = detentions.map((d) => ({
        detention: d,
        child: children.get(d.personId),
        suiteName: suites.get(d.suiteId)?.name ?? '',
        clocks: detentionClocks(events.get(d.id) ?? [], asOf, pace),
      }))
      const rank = (i: DetentionListItem) => i.clocks.nextDeadline?.at.getTime() ?? Number.POSITIVE_INFINITY
      await accessLog.recordList({
        actorId: principal.id,
        actorName: principal.username,
        subjectKind: detentionKind.kind,
        query: read.query,
        ids: detentions.map((d) => d.id),
        requestId: read.requestId ?? null,
      })
      return {
        reach,
        items: items.sort(
          (a, b) => Number(!a.clocks.inCustody) - Number(!b.clocks.inCustody) || rank(a) - rank(b),
        ),
      }
    },

    /** Items for a child's chronology (the children module's timeline): the detentions within reach. */
    async timelineFor(personId: string, reach: Reach, asOf?: Date) {
      const within = await reachOver(reach)
      const rows = await db
        .selectFrom('custody_detention')
        .select(['id', 'ref', 'arrested_at', 'offences'])
        .where('person_id', '=', personId)
        .where(detentionKind.where(within))
        .$if(asOf !== undefined, (q) => q.where('arrested_at', '<=', asOf as Date))
        .execute()
      return rows.map((r) => ({
        at: r.arrested_at,
        kind: 'custody-detention',
        title: 'Arrested and detained in police custody',
        detail: r.offences.join(', '),
        href: `/custody/detentions/${r.id}`,
      }))
    },

    /**
     * The dashboard's custody measures for detentions with an arrest in [from, until): by suite, by area and
     * force-wide. The area is the suite's BCU on the day of arrest, or its borough where the borough was
     * still its own borough command then (before the 2019 BCU merge).
     */
    async measures(options: { from: Date; until: Date; bcuId?: string | null }) {
      const { rows } = await sql<{
        suite_id: string | null
        area_id: string | null
        level: number
        detentions: number
        median_aa_wait_hours: number | null
        reviews: number
        reviews_in_person: number
        refused_bail_left: number
        transferred: number
        median_hours_after_charge: number | null
        max_hours_after_charge: number | null
        kept: number
        kept_with_certificate: number
      }>`
        with f as (
          select d.id, d.custody_suite_team_id as suite_id, coalesce(d.bcu_id, d.borough_id) as area_id,
            min(e.at) filter (where e.kind = 'detention_authorised') as authorised_at,
            min(e.at) filter (where e.kind = 'aa_arrived') as aa_arrived_at,
            min(e.at) filter (where e.kind = 'charged') as charged_at,
            coalesce(bool_or(e.bail_refused) filter (where e.kind = 'bail_decision'), false) as refused,
            min(e.at) filter (where e.kind = 'left_custody') as left_at,
            min(e.destination) filter (where e.kind = 'left_custody') as destination,
            count(*) filter (where e.kind = 'review') as reviews,
            count(*) filter (where e.kind = 'review' and e.in_person) as reviews_in_person,
            count(*) filter (where e.kind = 'detention_certificate') as certificates
          from custody_detention d
          left join custody_event e on e.detention_id = d.id
          where d.arrested_at >= ${options.from} and d.arrested_at < ${options.until}
            ${options.bcuId ? sql`and d.bcu_id = ${options.bcuId}` : sql``}
          group by d.id
        ), g as (
          select f.*, extract(epoch from aa_arrived_at - authorised_at)::float8 / 3600 as aa_wait,
            case when refused and left_at is not null
              then extract(epoch from left_at - charged_at)::float8 / 3600 end as after_charge,
            refused and coalesce(destination = any(${[...transferDestinations]}::text[]), false) as transferred
          from f
        )
        select suite_id, area_id, grouping(suite_id, area_id)::int as level,
          count(*)::int as detentions,
          percentile_cont(0.5) within group (order by aa_wait) as median_aa_wait_hours,
          sum(reviews)::int as reviews, sum(reviews_in_person)::int as reviews_in_person,
          count(*) filter (where refused and left_at is not null)::int as refused_bail_left,
          count(*) filter (where transferred)::int as transferred,
          percentile_cont(0.5) within group (order by after_charge) as median_hours_after_charge,
          max(after_charge) as max_hours_after_charge,
          count(*) filter (where refused and not transferred and left_at is not null)::int as kept,
          count(*) filter (where refused and not transferred and left_at is not null and certificates > 0)::int
            as kept_with_certificate
        from g
        group by grouping sets ((suite_id, area_id), (area_id), ())
        order by level, area_id, suite_id`.execute(db)
      const suites = await suiteNames()
      const force = await organisation.force().catch(() => undefined)
      const areaNames = new Map<string, string>([
        ...(force ? await organisation.boroughs(force.id) : []).map(
          (b) => [b.id, b.name] as [string, string],
        ),
        ...(force ? await organisation.bcus(force.id) : []).map((b) => [b.id, b.name] as [string, string]),
      ])
      const share = (n: number, d: number) => (d ? n / d : null)
      // grouping(suite_id, area_id): 0 a suite (with its area), 2 an area, 3 the force.
      const levelOf = (level: number) =>
        (level === 0 ? 'suite' : level === 2 ? 'area' : 'force') as 'suite' | 'area' | 'force'
      return rows.map((r) => ({
        level: levelOf(r.level),
        suiteId: r.level === 0 ? r.suite_id : null,
        suiteName: r.level === 0 && r.suite_id ? (suites.get(r.suite_id)?.name ?? '') : null,
        areaId: r.level < 3 ? r.area_id : null,
        areaName: r.level < 3 && r.area_id ? (areaNames.get(r.area_id) ?? '') : null,
        detentions: r.detentions,
        medianAppropriateAdultWaitHours: r.median_aa_wait_hours,
        reviewsInPersonShare: share(r.reviews_in_person, r.reviews),
        chargedRefusedBail: r.refused_bail_left,
        transferredShare: share(r.transferred, r.refused_bail_left),
        medianHoursHeldAfterCharge: r.median_hours_after_charge,
        maxHoursHeldAfterCharge: r.max_hours_after_charge,
        certificatesCompletedShare: share(r.kept_with_certificate, r.kept),
      }))
    },

    /** A pure check of a timeline, for a caller that wants errors without writing. */
    eventLabel: (kind: EventKind) => eventKindLabels[kind],
  }
  return service
}

export type CustodyService = ReturnType<typeof custodyService>
