import { randomUUID } from 'node:crypto'
import { reachOf } from '../../../platform/access/need-to-know.ts'
import type { Principal } from '../../../platform/auth/principal.ts'
import type { Executor, Transaction } from '../../../platform/db/database.ts'
import {
  ConflictError,
  type FieldError,
  ForbiddenError,
  ValidationError,
} from '../../../platform/http/errors.ts'
import { isUuid } from '../../../platform/ids.ts'
import { isIsoDate, londonDate } from '../../../platform/time.ts'
import { ageAt, displayName } from '../../children/person.ts'
import { addressBoroughsOf, boroughAt } from '../../children/service/addresses.ts'
import { peopleByKey } from '../../children/service/find-people.ts'
import { episodeKind, triggerPlanKind } from '../access.ts'
import { boroughKind } from '../rules.ts'
import { byRefWriter } from './by-ref-writer.ts'
import { fail, inTransaction, logChange, type MissingDeps, noSuchPlan, parseErrors } from './dependencies.ts'
import { type TriggerPlanInput, type TriggerPlanValues, triggerPlanInput } from './inputs.ts'
import { type Place, placesOf } from './places.ts'
import { isLiveOn, type TriggerPlan, toPlan } from './records.ts'

/**
 * Validates and writes trigger plans, all-or-nothing with errors per index. People, places, addresses
 * and the plans already held are read once for the batch; new plans go in set-wise, held ones are
 * updated one by one. A new plan records the member of staff who recorded it (none for an import).
 */
export async function writePlans(
  trx: Transaction,
  deps: MissingDeps,
  submissions: readonly { ref?: string; input: TriggerPlanValues }[],
  actor: string,
  now: Date,
  authorStaffId: string | null = null,
): Promise<
  | { written: { ref: string; id: string; boroughId: string }[] }
  | { errors: { index: number; errors: FieldError[] }[] }
> {
  const people = await peopleByKey(
    trx,
    submissions.map((s) => s.input.child),
  )
  const withBorough = submissions.flatMap((s, index) =>
    s.input.borough ? [{ index, key: s.input.borough }] : [],
  )
  const places = await placesOf(
    trx,
    deps,
    withBorough.map((b) => ({ boroughKey: b.key, unitKey: undefined, at: now })),
  )
  const placeAt = new Map(withBorough.map((b, i) => [b.index, places[i] as Place]))
  const addresses = await addressBoroughsOf(
    trx,
    submissions.flatMap((s) => {
      const person = s.input.borough ? undefined : people.get(s.input.child)
      return person ? [person.id] : []
    }),
  )
  const records = await byRefWriter(trx, deps, 'trigger_plan', submissions, actor)

  const failures: { index: number; errors: FieldError[] }[] = []
  const written: { ref: string; id: string; boroughId: string }[] = []
  for (const [index, s] of submissions.entries()) {
    const p = s.input
    const errors: FieldError[] = []
    const person = people.get(p.child)
    if (!person) errors.push({ field: 'child', reason: `There is no person with the reference ${p.child}` })
    else {
      const age = ageAt(person, p.startDate)
      if (age && age.years >= 18)
        errors.push({
          field: 'child',
          reason: `${displayName(person)} was ${age.years} on the start date: a trigger plan is for a child`,
        })
    }
    if (p.reviewDate < p.startDate)
      errors.push({ field: 'reviewDate', reason: 'The review date is before the start' })
    if (p.endedOn && p.endedOn < p.startDate)
      errors.push({ field: 'endedOn', reason: 'The plan ends before it starts' })
    let boroughId: string | null = null
    if (p.borough) {
      const place = placeAt.get(index) as Place
      errors.push(...place.errors)
      boroughId = place.borough?.id ?? null
    } else if (person) {
      boroughId = boroughAt(addresses.get(person.id) ?? [], p.startDate)
      if (!boroughId)
        errors.push({
          field: 'borough',
          reason: 'The child has no address with a borough: choose the borough',
        })
    }
    if (errors.length || !person || !boroughId) {
      failures.push({ index, errors })
      continue
    }
    if (failures.length) continue
    const values = {
      person_id: person.id,
      borough_id: boroughId,
      places_to_search: p.placesToSearch,
      people_to_contact: p.peopleToContact,
      risks: p.risks,
      author_name: p.authorName,
      agreed_with: [...new Set(p.agreedWith)],
      start_date: p.startDate,
      review_date: p.reviewDate,
      ended_on: p.endedOn ?? null,
      end_reason: p.endReason || null,
      updated_at: now,
    }
    const row = await records.update(s.ref, values)
    if (row) {
      written.push({ ref: row.ref, id: row.id, boroughId })
    } else {
      const id = randomUUID()
      const entry = { ref: s.ref ?? '', id, boroughId }
      records.queue(
        s.ref,
        { id, ...values, author_staff_id: authorStaffId, created_by: actor, created_at: now },
        entry,
      )
      written.push(entry)
    }
  }
  if (failures.length) return { errors: failures }
  await records.flush()
  return { written }
}

/** Agrees a trigger plan for a child; a plan its writer could not then read is refused. */
export async function agreePlan(
  q: Executor,
  deps: MissingDeps,
  input: TriggerPlanInput,
  principal: Principal,
): Promise<TriggerPlan> {
  const parsed = triggerPlanInput.safeParse(input)
  if (!parsed.success) throw parseErrors(parsed.error.issues, 'plan')
  const now = deps.clock.now()
  return inTransaction(q, async (trx) => {
    const result = await writePlans(trx, deps, [{ input: parsed.data }], principal.id, now, principal.staffId)
    if ('errors' in result) fail(result)
    const w = (result as { written: { id: string; boroughId: string }[] }).written[0] as {
      id: string
      boroughId: string
    }
    const row = await trx
      .selectFrom('trigger_plan')
      .selectAll()
      .where('id', '=', w.id)
      .executeTakeFirstOrThrow()
    // A plan its writer could not then read is refused, and the transaction leaves nothing behind.
    if (!triggerPlanKind.canSee(reachOf(principal), toPlan(row)))
      throw new ForbiddenError('You can agree trigger plans only in your own area')
    await logChange(trx, deps, principal, 'create', triggerPlanKind.kind, w.id)
    await deps.afterWrite?.(trx, boroughKind, [w.boroughId])
    // The child's episodes may now meet MIS-03.
    const episodes = await trx
      .selectFrom('missing_episode')
      .select('id')
      .where('person_id', '=', row.person_id)
      .execute()
    if (episodes.length)
      await deps.afterWrite?.(
        trx,
        episodeKind.kind,
        episodes.map((e) => e.id),
      )
    return toPlan(row)
  })
}

/** Ends a trigger plan on a day, with the reason. */
export async function endPlan(
  q: Executor,
  deps: MissingDeps,
  id: string,
  version: number,
  endedOn: string,
  reason: string,
  principal: Principal,
) {
  const now = deps.clock.now()
  return inTransaction(q, async (trx) => {
    const row = isUuid(id)
      ? await trx.selectFrom('trigger_plan').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
      : undefined
    const plan = row && toPlan(row)
    triggerPlanKind.mustSee(reachOf(principal), plan, noSuchPlan)
    if (plan.version !== version) throw new ConflictError()
    const errors: FieldError[] = []
    if (!isIsoDate(endedOn)) errors.push({ field: 'endedOn', reason: 'Enter the date the plan ended' })
    else if (endedOn < plan.startDate)
      errors.push({ field: 'endedOn', reason: 'The plan ends before it starts' })
    if (!reason.trim()) errors.push({ field: 'endReason', reason: 'Enter why the plan ended' })
    if (errors.length) throw new ValidationError(errors)
    await deps.history.updateRecord(
      trx,
      'trigger_plan',
      id,
      version,
      { ended_on: endedOn, end_reason: reason.trim(), updated_at: now },
      principal,
    )
    await logChange(trx, deps, principal, 'update', triggerPlanKind.kind, id, { change: 'ended' })
    await deps.afterWrite?.(trx, boroughKind, [plan.boroughId])
  })
}

/** One trigger plan for someone allowed to see it (404 otherwise); the read is logged. */
export async function viewPlan(q: Executor, deps: MissingDeps, id: string, principal: Principal) {
  const row = isUuid(id)
    ? await q.selectFrom('trigger_plan').selectAll().where('id', '=', id).executeTakeFirst()
    : undefined
  const plan = row && toPlan(row)
  triggerPlanKind.mustSee(reachOf(principal), plan, noSuchPlan)
  const person = await deps.children.find(plan.personId, q)
  const borough = await deps.organisationOn(q).borough(plan.boroughId)
  await deps.accessLog.record(
    {
      actorId: principal.id,
      actorName: principal.username,
      action: 'read',
      subjectKind: triggerPlanKind.kind,
      subjectId: id,
    },
    q,
  )
  return {
    plan,
    person,
    boroughName: borough?.name ?? '',
    live: isLiveOn(plan, londonDate(deps.clock.now())),
  }
}
