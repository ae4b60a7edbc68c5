import { sql } from 'kysely'
import type { Actor } from '../../../platform/access/access-log.ts'
import { type Reach, reachOf } from '../../../platform/access/need-to-know.ts'
import type { Principal } from '../../../platform/auth/principal.ts'
import { type Executor, inTransaction, type Transaction } from '../../../platform/db/database.ts'
import { type FieldError, ForbiddenError, ValidationError } from '../../../platform/http/errors.ts'
import { londonDate } from '../../../platform/time.ts'
import { peopleByKey } from '../../children/service/find-people.ts'
import { boroughsByKey } from '../../organisation/service/keys.ts'
import { placesByName } from '../../organisation/service/places.ts'
import { arrivalKind } from '../access.ts'
import type { OffendersDeps, WriteResult, WriterDeps } from './dependencies.ts'
import type { ArrivalInput } from './inputs.ts'
import { saveByRef } from './save-by-ref.ts'

/** The facts of an arrival that are out of order: a result before the application, a meeting before landing is expected. */
export function arrivalErrors(input: ArrivalInput, now: Date): FieldError[] {
  const errors: FieldError[] = []
  if (input.metAt && input.metAt > now) errors.push({ field: 'metAt', reason: 'must not be in the future' })
  if (input.orderAppliedAt && input.orderAppliedAt > now)
    errors.push({ field: 'orderAppliedAt', reason: 'must not be in the future' })
  if (input.orderResult && !input.orderAppliedAt)
    errors.push({ field: 'orderResult', reason: 'give when the notification order was applied for first' })
  if (Boolean(input.orderResult) !== Boolean(input.orderResultAt))
    errors.push({ field: 'orderResultAt', reason: 'give the order’s result and when it was given together' })
  if (input.orderResultAt && input.orderAppliedAt && input.orderResultAt < input.orderAppliedAt)
    errors.push({ field: 'orderResultAt', reason: 'must not be before the order was applied for' })
  if (input.orderResultAt && input.orderResultAt > now)
    errors.push({ field: 'orderResultAt', reason: 'must not be in the future' })
  return errors
}

/** Records arrivals, or updates them by ref, set-wise: the import's writer and the page's. */
export async function writeArrivals(
  trx: Transaction,
  deps: WriterDeps,
  submissions: readonly { ref?: string | undefined; input: ArrivalInput }[],
  actor: Actor,
): Promise<WriteResult> {
  const now = deps.clock.now()
  const inputs = submissions.map((s) => s.input)
  const [people, boroughs] = await Promise.all([
    peopleByKey(
      trx,
      inputs.flatMap((i) => (i.person ? [i.person] : [])),
    ),
    boroughsByKey(
      trx,
      inputs.map((i) => i.borough),
      londonDate(now),
    ),
  ])
  const teams = await Promise.all(
    inputs.map((i) => (i.team ? placesByName(trx, { team: i.team }) : undefined)),
  )
  const failures: { index: number; errors: FieldError[] }[] = []
  inputs.forEach((input, index) => {
    const errors = arrivalErrors(input, now)
    if (input.person && !people.get(input.person))
      errors.push({ field: 'person', reason: `There is no person with the reference ${input.person}` })
    if (!boroughs.get(input.borough))
      errors.push({ field: 'borough', reason: `There is no borough called ${input.borough}` })
    if (input.team && !teams[index]?.teamId)
      errors.push({ field: 'team', reason: `There is no team called ${input.team}` })
    if (errors.length)
      failures.push({ index, errors: errors.sort((a, b) => fieldOrder(a.field) - fieldOrder(b.field)) })
  })
  if (failures.length) return { errors: failures }
  const written: { ref: string; id: string; created: boolean }[] = []
  for (const [index, { ref, input }] of submissions.entries()) {
    const borough = boroughs.get(input.borough) as { id: string; bcuId: string | null }
    const values = {
      person_id: input.person ? (people.get(input.person)?.id ?? null) : null,
      name: input.name,
      country: input.country,
      flight: input.flight,
      expected_at: input.expectedAt,
      borough_id: borough.id,
      bcu_id: borough.bcuId,
      team_id: teams[index]?.teamId ?? null,
      officers: input.officers || null,
      met_at: input.metAt ?? null,
      order_applied_at: input.orderAppliedAt ?? null,
      order_result: input.orderResult ?? null,
      order_result_at: input.orderResultAt ?? null,
      notes: input.notes || null,
    }
    written.push(
      await saveByRef(
        trx,
        'deportee_arrival',
        ref,
        values,
        { recorded_by: actor.username, created_at: now },
        actor,
        now,
      ),
    )
  }
  return { written }
}

const fields = [
  'person',
  'name',
  'country',
  'flight',
  'expectedAt',
  'borough',
  'team',
  'officers',
  'metAt',
  'orderAppliedAt',
  'orderResult',
  'orderResultAt',
]
const fieldOrder = (field: string) => {
  const i = fields.indexOf(field)
  return i < 0 ? fields.length : i
}

/** Records (or, by ref, updates) one arrival for someone who may: one placed outside their reach is refused. */
export function recordArrival(
  q: Executor,
  deps: OffendersDeps,
  input: ArrivalInput,
  actor: Actor,
  reach: Reach,
  ref?: string,
) {
  return inTransaction(q, async (trx) => {
    if (ref) {
      const held = await trx
        .selectFrom('deportee_arrival')
        .select(['id', 'borough_id', 'team_id'])
        .where('ref', '=', ref.toUpperCase())
        .executeTakeFirst()
      arrivalKind.mustSee(reach, held, 'There is no such arrival')
    }
    const result = await writeArrivals(trx, deps, [{ ref, input }], actor)
    if ('errors' in result) throw new ValidationError(result.errors.flatMap((f) => f.errors))
    const written = result.written[0] as { ref: string; id: string; created: boolean }
    const saved = await trx
      .selectFrom('deportee_arrival')
      .select(['id', 'borough_id', 'team_id'])
      .where('id', '=', written.id)
      .executeTakeFirstOrThrow()
    if (!arrivalKind.canSee(reach, saved))
      throw new ForbiddenError('You can record arrivals only for your own area or team')
    await deps.accessLog.logChange(
      actor,
      { action: written.created ? 'create' : 'update', subjectKind: arrivalKind.kind, subjectId: written.id },
      trx,
    )
    return written
  })
}

/** Arrivals expected from `from` (default: a day ago) that the reader may see, soonest first; the list is logged. */
export async function arrivalsDue(q: Executor, deps: OffendersDeps, principal: Principal, from?: Date) {
  const since = from ?? new Date(deps.clock.now().getTime() - 86_400_000)
  const { rows } = await sql<{
    id: string
    ref: string
    name: string
    country: string
    flight: string
    expected_at: Date
    officers: string | null
    met_at: Date | null
    order_applied_at: Date | null
    order_result: string | null
    borough: string
  }>`
    select deportee_arrival.id, deportee_arrival.ref, deportee_arrival.name, deportee_arrival.country,
      deportee_arrival.flight, deportee_arrival.expected_at, deportee_arrival.officers, deportee_arrival.met_at,
      deportee_arrival.order_applied_at, deportee_arrival.order_result, b.name as borough
    from deportee_arrival join borough b on b.id = deportee_arrival.borough_id
    where deportee_arrival.expected_at >= ${since} and ${arrivalKind.where(reachOf(principal))}
    order by deportee_arrival.expected_at`.execute(q)
  await deps.accessLog.recordList(
    {
      actorId: principal.id,
      actorName: principal.username,
      subjectKind: arrivalKind.kind,
      query: `arrivals expected from ${since.toISOString()}`,
      ids: rows.map((r) => r.id),
    },
    q,
  )
  return rows
}
