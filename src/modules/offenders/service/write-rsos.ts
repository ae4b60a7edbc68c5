import { sql } from 'kysely'
import type { Actor } from '../../../platform/access/access-log.ts'
import type { Transaction } from '../../../platform/db/database.ts'
import { changedFields, recordMany } from '../../../platform/db/history.ts'
import type { FieldError } from '../../../platform/http/errors.ts'
import { addDays, londonDate } from '../../../platform/time.ts'
import { peopleByKey } from '../../children/service/find-people.ts'
import { boroughsByKey } from '../../organisation/service/keys.ts'
import { chargedPersonKind, managerKind, rsoKind } from '../access.ts'
import type { WriteResult, WriterDeps } from './dependencies.ts'
import type { RsoInput } from './inputs.ts'
import { managersByKey, notAManager, type RsoRow, rsosByKey, wardsByName } from './records.ts'

/** The facts of an RSO's record that are not dates in the future or out of order. */
export function rsoErrors(input: RsoInput, today: string): FieldError[] {
  const errors: FieldError[] = []
  if (input.notificationStart > today)
    errors.push({ field: 'notificationStart', reason: 'must not be in the future' })
  if (input.notificationEnd && input.notificationEnd <= input.notificationStart)
    errors.push({ field: 'notificationEnd', reason: 'must be after the notification started' })
  input.offences.forEach((o, i) => {
    if (o.convictedOn > today)
      errors.push({ field: `offences.${i}.convictedOn`, reason: 'must not be in the future' })
  })
  input.orders.forEach((o, i) => {
    if (o.endsOn && o.endsOn < o.startsOn)
      errors.push({ field: `orders.${i}.endsOn`, reason: 'must not be before the order starts' })
  })
  return errors
}

/**
 * Registers RSOs or updates them by ref, set-wise: the import's writer and the register page's. The person
 * must be in the person index and have no other RSO record; the borough must exist; a manager must be in
 * an offender management (Jigsaw) team. A change of address opens a new address row from today, a change of
 * manager a new allocation. Offences and orders given replace those held. Any problem: nothing written.
 */
export async function writeRsos(
  trx: Transaction,
  deps: WriterDeps,
  submissions: readonly { ref?: string | undefined; input: RsoInput }[],
  actor: Actor,
): Promise<WriteResult> {
  const now = deps.clock.now()
  const today = londonDate(now)
  const inputs = submissions.map((s) => s.input)
  const [people, boroughs, managers, existing, wards] = await Promise.all([
    peopleByKey(
      trx,
      inputs.map((i) => i.person),
    ),
    boroughsByKey(
      trx,
      inputs.map((i) => i.borough),
      today,
    ),
    managersByKey(
      trx,
      inputs.flatMap((i) => (i.manager ? [i.manager] : [])),
    ),
    rsosByKey(
      trx,
      submissions.flatMap((s) => (s.ref ? [s.ref] : [])),
      true,
    ),
    wardsByName(
      trx,
      inputs.flatMap((i) => (i.ward ? [i.ward] : [])),
    ),
  ])
  const personIds = [...people.values()].map((p) => p.id)
  const held = personIds.length
    ? await trx
        .selectFrom('rso')
        .select(['id', 'ref', 'person_id'])
        .where('person_id', 'in', personIds)
        .execute()
    : []

  const failures: { index: number; errors: FieldError[] }[] = []
  submissions.forEach(({ ref, input }, index) => {
    const errors: FieldError[] = []
    const person = people.get(input.person)
    if (!person)
      errors.push({ field: 'person', reason: `There is no person with the reference ${input.person}` })
    const other = person && held.find((h) => h.person_id === person.id && h.ref !== ref?.toUpperCase())
    if (other) errors.push({ field: 'person', reason: `${person.ref} is already registered as ${other.ref}` })
    errors.push(...rsoErrors(input, today))
    const borough = boroughs.get(input.borough)
    if (!borough) errors.push({ field: 'borough', reason: `There is no borough called ${input.borough}` })
    else if (input.ward && wards.get(input.ward.toLowerCase())?.boroughId !== borough.id)
      errors.push({ field: 'ward', reason: `There is no ward called ${input.ward} in ${borough.name}` })
    if (input.manager) {
      const reason = notAManager(managers.get(input.manager), input.manager)
      if (reason) errors.push({ field: 'manager', reason })
    }
    if (errors.length) failures.push({ index, errors })
  })
  if (failures.length) return { errors: failures }

  const written: { ref: string; id: string; created: boolean }[] = []
  const touchedManagers = new Set<string>()
  for (const { ref, input } of submissions) {
    const person = people.get(input.person) as { id: string }
    const borough = boroughs.get(input.borough) as { id: string; bcuId: string | null }
    const manager = input.manager ? managers.get(input.manager) : undefined
    const before: RsoRow | undefined = ref ? existing.get(ref) : undefined
    const values = {
      person_id: person.id,
      status: input.status,
      notification_basis: input.notificationBasis,
      notification_start: input.notificationStart,
      notification_end: input.notificationEnd ?? null,
      mappa_category: input.mappaCategory,
      mappa_level: input.mappaLevel,
      risk_level: input.riskLevel,
      visor_ref: input.visorRef || null,
      // RSO-09 is met when the ViSOR reference is first recorded.
      visor_recorded_at: input.visorRef
        ? before?.visor_ref === input.visorRef
          ? before.visor_recorded_at
          : now
        : null,
      address: input.address,
      borough_id: borough.id,
      bcu_id: borough.bcuId,
      ward_id: input.ward ? (wards.get(input.ward.toLowerCase())?.id ?? null) : null,
      team_id: manager?.teamId ?? before?.team_id ?? null,
      manager_staff_id: manager?.id ?? before?.manager_staff_id ?? null,
      updated_at: now,
    }
    let id: string
    if (before) {
      id = before.id
      await trx
        .updateTable('rso')
        .set({ ...values, version: before.version + 1 })
        .where('id', '=', id)
        .execute()
      await trx.deleteFrom('rso_offence').where('rso_id', '=', id).execute()
      await trx.deleteFrom('rso_order').where('rso_id', '=', id).execute()
    } else {
      const row = await trx
        .insertInto('rso')
        .values({
          ...values,
          ...(ref ? { ref: ref.toUpperCase() } : {}),
          created_at: now,
          created_by: actor.username,
        })
        .returning(['id', 'ref'])
        .executeTakeFirstOrThrow()
      id = row.id
    }
    if (!before || before.address !== input.address || before.borough_id !== borough.id) {
      // The address before today ends yesterday (or the day it began, if that was today); a new RSO has
      // lived there since notification began.
      const from = before ? today : input.notificationStart
      if (before)
        await trx
          .updateTable('rso_address')
          .set((eb) => ({
            to_date: sql<string>`greatest(from_date, ${addDays(today, -1)}::date)`,
            version: eb('version', '+', 1),
          }))
          .where('rso_id', '=', id)
          .where('to_date', 'is', null)
          .execute()
      await trx
        .insertInto('rso_address')
        .values({ rso_id: id, address: input.address, borough_id: borough.id, from_date: from })
        .execute()
    }
    if (manager && manager.id !== before?.manager_staff_id) {
      await trx
        .updateTable('rso_allocation')
        .set((eb) => ({ to_at: now, version: eb('version', '+', 1) }))
        .where('rso_id', '=', id)
        .where('to_at', 'is', null)
        .execute()
      await trx
        .insertInto('rso_allocation')
        .values({
          rso_id: id,
          staff_id: manager.id,
          from_at: now,
          reason: before ? 'Manager changed with the RSO’s record' : 'Allocated on registration',
          allocated_by: actor.username,
        })
        .execute()
    }
    if (input.offences.length)
      await trx
        .insertInto('rso_offence')
        .values(
          input.offences.map((o) => ({
            rso_id: id,
            offence: o.offence,
            convicted_on: o.convictedOn,
            court: o.court,
          })),
        )
        .execute()
    if (input.orders.length)
      await trx
        .insertInto('rso_order')
        .values(
          input.orders.map((o) => ({
            rso_id: id,
            kind: o.kind,
            starts_on: o.startsOn,
            ends_on: o.endsOn ?? null,
            conditions: o.conditions,
          })),
        )
        .execute()
    // A new RSO, a change of status or of manager changes a caseload (RSO-05).
    for (const m of [before?.manager_staff_id, manager?.id]) if (m) touchedManagers.add(m)
    const saved = (await rsosByKey(trx, [id])).get(id) as RsoRow
    written.push({ ref: saved.ref, id, created: !before })
    await recordMany(trx, [
      {
        table: 'rso',
        id,
        version: saved.version,
        action: before ? 'update' : 'create',
        changedBy: actor.id,
        changedAt: now,
        changes: before
          ? changedFields(
              before as unknown as Record<string, unknown>,
              saved as unknown as Record<string, unknown>,
              Object.keys(saved).filter((k) => k !== 'updated_at'),
            )
          : { ref: [null, saved.ref], risk_level: [null, saved.risk_level] },
      },
    ])
  }
  await deps.afterWrite?.(
    trx,
    rsoKind.kind,
    written.map((w) => w.id),
  )
  if (touchedManagers.size) await deps.afterWrite?.(trx, managerKind, [...touchedManagers])
  // A ViSOR reference recorded meets RSO-09 for the person.
  const registered = new Set(submissions.map((s) => (people.get(s.input.person) as { id: string }).id))
  await deps.afterWrite?.(trx, chargedPersonKind, [...registered])
  return { written }
}
