import type { Actor } from '../../../platform/access/access-log.ts'
import type { Transaction } from '../../../platform/db/database.ts'
import type { FieldError } from '../../../platform/http/errors.ts'
import { londonDate } from '../../../platform/time.ts'
import { managerKind, rsoKind } from '../access.ts'
import type { WriteResult, WriterDeps } from './dependencies.ts'
import type {
  AllocationInput,
  ArmsInput,
  InformationInput,
  NotificationInput,
  PlanInput,
  RiskChangeInput,
  VisitInput,
} from './inputs.ts'
import { type Manager, managersByKey, notAManager, type RsoRow, rsosByKey } from './records.ts'
import { saveByRef, saveManyByRef } from './save-by-ref.ts'

/*
 * The records offender managers keep about an RSO (assessments, risk changes, new information, plans,
 * visits, notifications, allocations), each written set-wise by one writer: the import's and the pages'.
 * Each kind says how its input is checked against the RSO and what row it makes; the writer does the rest
 * the same way for every kind: the RSO must exist, every problem is reported and nothing written, records
 * named by a ref already held are updated, history is recorded and the RSO's rules run in the transaction.
 */

interface Context {
  now: Date
  today: string
  trx: Transaction
}

interface RecordSpec<I extends { rso: string }> {
  table:
    | 'rso_arms'
    | 'rso_risk_change'
    | 'rso_information'
    | 'rso_plan'
    | 'rso_visit'
    | 'rso_notification'
    | 'rso_allocation'
  /** Reads what the checks need for the whole batch at once. */
  prepare?(trx: Transaction, inputs: readonly I[]): Promise<unknown>
  check(input: I, rso: RsoRow, context: Context, prepared: unknown): FieldError[]
  row(
    input: I,
    rso: RsoRow,
    context: Context,
    prepared: unknown,
    actor: Actor,
  ): Promise<Record<string, unknown>>
  /** What writing it changes on the RSO itself (its risk level, its manager). */
  after?(input: I, rso: RsoRow, id: string, context: Context, prepared: unknown, actor: Actor): Promise<void>
  /** Managers whose caseload the write changes, for RSO-05. */
  managers?(input: I, rso: RsoRow, prepared: unknown): string[]
  /**
   * A line's checks and row read nothing an earlier line of its batch writes (no `after`, no read of the
   * kind's own table), so a batch is saved set-wise; otherwise line after line, each seeing the one before.
   */
  linesIndependent?: true
}

const notFuture = (field: string, at: Date | string, context: Context): FieldError[] =>
  (typeof at === 'string' ? at > context.today : at > context.now)
    ? [{ field, reason: 'must not be in the future' }]
    : []

const notBeforeNotification = (field: string, day: string, rso: RsoRow, what: string): FieldError[] =>
  day < rso.notification_start
    ? [
        {
          field,
          reason: `${what} must not be before ${rso.ref}’s notification began (${rso.notification_start})`,
        },
      ]
    : []

/** A referral to social care is made after what prompted it, and not in the future. */
const referralErrors = (at: Date | undefined, after: Date | undefined, context: Context): FieldError[] => {
  if (!at) return []
  const errors = notFuture('socialCareReferralAt', at, context)
  if (after && at < after)
    errors.push({ field: 'socialCareReferralAt', reason: 'must not be before the children were found' })
  return errors
}

export const armsRecords: RecordSpec<ArmsInput> = {
  table: 'rso_arms',
  linesIndependent: true,
  check: (input, _rso, context) => notFuture('assessedOn', input.assessedOn, context),
  row: async (input, _rso, context, _prepared, actor) => ({
    assessed_on: input.assessedOn,
    assessor_name: input.assessor,
    priority: input.priority,
    key_factors: input.keyFactors,
    recorded_at: context.now,
    recorded_by: actor.username,
  }),
}

export const riskChangeRecords: RecordSpec<RiskChangeInput> = {
  table: 'rso_risk_change',
  check: (input, _rso, context) => notFuture('changedAt', input.changedAt, context),
  row: async (input, rso, _context, _prepared, actor) => ({
    changed_at: input.changedAt,
    from_level: rso.risk_level,
    to_level: input.toLevel,
    reason: input.reason,
    changed_by: actor.username,
  }),
  // The RSO's level is the one given by their latest change.
  async after(_input, rso, _id, { trx, now }) {
    const latest = await trx
      .selectFrom('rso_risk_change')
      .select('to_level')
      .where('rso_id', '=', rso.id)
      .orderBy('changed_at', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow()
    await trx
      .updateTable('rso')
      .set((eb) => ({ risk_level: latest.to_level, updated_at: now, version: eb('version', '+', 1) }))
      .where('id', '=', rso.id)
      .execute()
  },
}

export const informationRecords: RecordSpec<InformationInput> = {
  table: 'rso_information',
  linesIndependent: true,
  check: (input, _rso, context) => notFuture('receivedAt', input.receivedAt, context),
  row: async (input, _rso, _context, _prepared, actor) => ({
    received_at: input.receivedAt,
    source: input.source,
    summary: input.summary,
    recorded_by: actor.username,
  }),
}

type ArmsByRef = Map<string, { id: string; rso_id: string }>

export const planRecords: RecordSpec<PlanInput> = {
  table: 'rso_plan',
  async prepare(trx, inputs) {
    const refs = inputs.flatMap((i) => (i.arms ? [i.arms.toUpperCase()] : []))
    const rows = refs.length
      ? await trx.selectFrom('rso_arms').select(['id', 'ref', 'rso_id']).where('ref', 'in', refs).execute()
      : []
    return new Map(rows.map((r) => [r.ref, r])) as ArmsByRef
  },
  check(input, rso, context, prepared) {
    const errors = notFuture('agreedAt', input.agreedAt, context)
    if (input.arms) {
      const arms = (prepared as ArmsByRef).get(input.arms.toUpperCase())
      if (!arms) errors.push({ field: 'arms', reason: `There is no ARMS assessment ${input.arms}` })
      else if (arms.rso_id !== rso.id)
        errors.push({ field: 'arms', reason: `${input.arms} is about another RSO` })
    }
    return errors
  },
  async row(input, rso, { trx }, prepared, _actor) {
    const arms =
      (input.arms && (prepared as ArmsByRef).get(input.arms.toUpperCase())) ||
      (await trx
        .selectFrom('rso_arms')
        .select('id')
        .where('rso_id', '=', rso.id)
        .where('assessed_on', '<=', londonDate(input.agreedAt))
        .orderBy('assessed_on', 'desc')
        .limit(1)
        .executeTakeFirst())
    const last = await trx
      .selectFrom('rso_plan')
      .select((eb) => eb.fn.max('plan_number').as('n'))
      .where('rso_id', '=', rso.id)
      .executeTakeFirst()
    return {
      plan_number: (last?.n ?? 0) + 1,
      agreed_at: input.agreedAt,
      author_name: input.author,
      arms_id: arms?.id ?? null,
      risk_level: input.riskLevel,
      actions: JSON.stringify(input.actions),
    }
  },
}

export const visitRecords: RecordSpec<VisitInput> = {
  table: 'rso_visit',
  linesIndependent: true,
  check(input, rso, context) {
    const errors: FieldError[] = []
    if (!input.plannedOn && !input.visitedAt)
      errors.push({
        field: 'visitedAt',
        reason: 'give when the visit was made, or the date it is planned for',
      })
    if (input.visitedAt) {
      errors.push(...notFuture('visitedAt', input.visitedAt, context))
      errors.push(...notBeforeNotification('visitedAt', londonDate(input.visitedAt), rso, 'A visit'))
    }
    errors.push(...referralErrors(input.socialCareReferralAt, input.visitedAt, context))
    return errors
  },
  row: async (input, _rso, _context, _prepared, actor) => ({
    planned_on: input.plannedOn ?? null,
    visited_at: input.visitedAt ?? null,
    announced: input.announced,
    officers: input.officers,
    outcome: input.outcome || null,
    children_present: input.childrenPresent,
    concerns: input.concerns || null,
    social_care_referral_at: input.socialCareReferralAt ?? null,
    recorded_by: actor.username,
  }),
}

export const notificationRecords: RecordSpec<NotificationInput> = {
  table: 'rso_notification',
  linesIndependent: true,
  check: (input, rso, context) => [
    ...notFuture('notifiedAt', input.notifiedAt, context),
    ...notBeforeNotification('notifiedAt', londonDate(input.notifiedAt), rso, 'A notification'),
    ...referralErrors(input.socialCareReferralAt, input.notifiedAt, context),
  ],
  row: async (input, _rso, _context, _prepared, actor) => ({
    kind: input.notificationKind,
    notified_at: input.notifiedAt,
    deadline_at: input.deadlineAt ?? null,
    details: input.details,
    social_care_referral_at: input.socialCareReferralAt ?? null,
    recorded_by: actor.username,
  }),
}

type ManagersByKey = Map<string, Manager>

export const allocationRecords: RecordSpec<AllocationInput> = {
  table: 'rso_allocation',
  prepare: (trx, inputs) =>
    managersByKey(
      trx,
      inputs.map((i) => i.manager),
    ),
  check(input, _rso, context, prepared) {
    const errors = notFuture('at', input.at, context)
    const reason = notAManager((prepared as ManagersByKey).get(input.manager), input.manager)
    if (reason) errors.push({ field: 'manager', reason })
    return errors
  },
  row: async (input, _rso, _context, prepared, actor) => ({
    staff_id: ((prepared as ManagersByKey).get(input.manager) as Manager).id,
    from_at: input.at,
    reason: input.reason,
    allocated_by: actor.username,
  }),
  // The allocation before it ends when this one starts; the RSO's manager and team are the latest's.
  async after(input, rso, id, { trx, now }, prepared) {
    const manager = (prepared as ManagersByKey).get(input.manager) as Manager
    await trx
      .updateTable('rso_allocation')
      .set((eb) => ({ to_at: input.at, version: eb('version', '+', 1) }))
      .where('rso_id', '=', rso.id)
      .where('id', '!=', id)
      .where('to_at', 'is', null)
      .where('from_at', '<=', input.at)
      .execute()
    await trx
      .updateTable('rso')
      .set((eb) => ({
        manager_staff_id: manager.id,
        team_id: manager.teamId,
        updated_at: now,
        version: eb('version', '+', 1),
      }))
      .where('id', '=', rso.id)
      .execute()
  },
  managers: (input, rso, prepared) => [
    ((prepared as ManagersByKey).get(input.manager) as Manager).id,
    ...(rso.manager_staff_id ? [rso.manager_staff_id] : []),
  ],
}

/** Writes one kind of record for many RSOs: checked whole first, then written, then the RSOs' rules run. */
export async function keepRecords<I extends { rso: string }>(
  trx: Transaction,
  deps: WriterDeps,
  spec: RecordSpec<I>,
  submissions: readonly { ref?: string | undefined; input: I }[],
  actor: Actor,
): Promise<WriteResult & { rsoIds?: string[] }> {
  const now = deps.clock.now()
  const context: Context = { now, today: londonDate(now), trx }
  const inputs = submissions.map((s) => s.input)
  const rsos = await rsosByKey(
    trx,
    inputs.map((i) => i.rso),
  )
  const prepared = await spec.prepare?.(trx, inputs)
  const failures: { index: number; errors: FieldError[] }[] = []
  submissions.forEach(({ input }, index) => {
    const rso = rsos.get(input.rso)
    const errors = rso
      ? spec.check(input, rso, context, prepared)
      : [{ field: 'rso', reason: `There is no RSO ${input.rso}: register them as an RSO first` }]
    if (errors.length) failures.push({ index, errors })
  })
  if (failures.length) return { errors: failures }

  const written: { ref: string; id: string; created: boolean }[] = []
  const rsoIds = new Set<string>()
  const managers = new Set<string>()
  if (spec.linesIndependent) {
    const items = []
    for (const { ref, input } of submissions) {
      const rso = rsos.get(input.rso) as RsoRow
      items.push({
        ref,
        values: { ...(await spec.row(input, rso, context, prepared, actor)), rso_id: rso.id },
      })
      for (const m of spec.managers?.(input, rso, prepared) ?? []) managers.add(m)
      rsoIds.add(rso.id)
    }
    written.push(...(await saveManyByRef(trx, spec.table, items, actor, now)))
  } else
    for (const { ref, input } of submissions) {
      // Re-read: an earlier line of the batch may have changed the RSO (its level, its manager).
      const rso = (await rsosByKey(trx, [input.rso])).get(input.rso) as RsoRow
      const row = { ...(await spec.row(input, rso, context, prepared, actor)), rso_id: rso.id }
      const saved = await saveByRef(trx, spec.table, ref, row, {}, actor, now)
      await spec.after?.(input, rso, saved.id, context, prepared, actor)
      for (const m of spec.managers?.(input, rso, prepared) ?? []) managers.add(m)
      written.push(saved)
      rsoIds.add(rso.id)
    }
  await deps.afterWrite?.(trx, rsoKind.kind, [...rsoIds])
  if (managers.size) await deps.afterWrite?.(trx, managerKind, [...managers])
  return { written, rsoIds: [...rsoIds] }
}
