import type { Actor } from '../../../platform/access/access-log.ts'
import type { Executor, Transaction } from '../../../platform/db/database.ts'
import { ConflictError, type FieldError } from '../../../platform/http/errors.ts'
import { addDays } from '../../../platform/time.ts'
import { boroughsOf } from '../boroughs.ts'
import { asDay, asDayOrNull, type IsoDate, validatePeriod } from '../person.ts'
import { type ChildrenDeps, fail, inTransaction, mustMayEdit, todayOf } from './dependencies.ts'
import { mustGet } from './find-people.ts'
import type { AddressInput, Changer, PersonAddress } from './records.ts'

/** Where a person lives and has lived: one address from each day, the current one open-ended. */

export function validateAddress(input: Partial<AddressInput>, today: IsoDate): FieldError[] {
  const errors: FieldError[] = []
  if (!input.address?.trim()) errors.push({ field: 'address', reason: 'Enter the address' })
  else if (input.address.length > 500)
    errors.push({ field: 'address', reason: 'Address must be 500 characters or fewer' })
  if (input.postcode && !/^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$/i.test(input.postcode.trim()))
    errors.push({ field: 'postcode', reason: 'Enter a real postcode, like SW1A 2AA' })
  errors.push(...validatePeriod(input, today))
  return errors
}

export async function checkBorough(q: Executor, boroughId: string | null): Promise<FieldError[]> {
  if (!boroughId) return []
  const boroughs = await boroughsOf(q)
  return boroughs.some((b) => b.id === boroughId)
    ? []
    : [{ field: 'boroughId', reason: 'Select a borough from the list' }]
}

export async function insertAddress(
  trx: Transaction,
  deps: Pick<ChildrenDeps, 'clock' | 'history'>,
  personId: string,
  input: AddressInput,
  actor: Actor,
) {
  // A new current address ends the one before it the day before it starts.
  const open = await trx
    .selectFrom('person_address')
    .select(['id', 'version', 'from_date'])
    .where('person_id', '=', personId)
    .where('to_date', 'is', null)
    .where('from_date', '<', input.fromDate)
    .execute()
  if (input.toDate === null) {
    for (const row of open) {
      await deps.history.updateRecord(
        trx,
        'person_address',
        row.id,
        row.version,
        { to_date: addDays(input.fromDate, -1) },
        actor,
      )
    }
  }
  return deps.history.insertRecord(
    trx,
    'person_address',
    {
      person_id: personId,
      address: input.address.trim(),
      postcode: input.postcode?.trim().toUpperCase() || null,
      borough_id: input.boroughId,
      from_date: input.fromDate,
      to_date: input.toDate,
      created_at: deps.clock.now(),
    },
    actor,
  )
}

/** A person's addresses, latest-starting first, each with its borough's name. */
export async function addresses(q: Executor, personId: string): Promise<PersonAddress[]> {
  const rows = await q
    .selectFrom('person_address')
    .selectAll()
    .where('person_id', '=', personId)
    .orderBy('from_date', 'desc')
    .execute()
  const boroughs = new Map((await boroughsOf(q)).map((b) => [b.id, b.name]))
  return rows.map((r) => ({
    id: r.id,
    personId: r.person_id,
    address: r.address,
    postcode: r.postcode,
    boroughId: r.borough_id,
    boroughName: r.borough_id ? (boroughs.get(r.borough_id) ?? null) : null,
    fromDate: asDay(r.from_date),
    toDate: asDayOrNull(r.to_date),
    version: r.version,
  }))
}

/**
 * Where each person lives on `day` (or last lived, when no address is current), with the borough's name:
 * what tells thirteen people of one name apart in a list. One query for a batch.
 */
export async function addressesOn(
  q: Executor,
  personIds: readonly string[],
  day: IsoDate,
): Promise<Map<string, { address: string; postcode: string | null; boroughName: string | null }>> {
  if (personIds.length === 0) return new Map()
  const rows = await q
    .selectFrom('person_address')
    .select(['person_id', 'address', 'postcode', 'borough_id'])
    .distinctOn('person_id')
    .where('person_id', 'in', [...personIds])
    .where('from_date', '<=', day)
    .orderBy('person_id')
    .orderBy((eb) => eb.or([eb('to_date', 'is', null), eb('to_date', '>=', day)]), 'desc')
    .orderBy('from_date', 'desc')
    .execute()
  const boroughs = new Map((await boroughsOf(q)).map((b) => [b.id, b.name]))
  return new Map(
    rows.map((r) => [
      r.person_id,
      {
        address: r.address,
        postcode: r.postcode,
        boroughName: r.borough_id ? (boroughs.get(r.borough_id) ?? null) : null,
      },
    ]),
  )
}

/** The borough of the person's address on a day, for area scoping; null when no address is known. */
export async function addressBoroughOn(q: Executor, personId: string, day: IsoDate): Promise<string | null> {
  const row = await q
    .selectFrom('person_address')
    .select('borough_id')
    .where('person_id', '=', personId)
    .where('from_date', '<=', day)
    .where((eb) => eb.or([eb('to_date', 'is', null), eb('to_date', '>=', day)]))
    .orderBy('from_date', 'desc')
    .executeTakeFirst()
  return row?.borough_id ?? null
}

export interface AddressBorough {
  boroughId: string | null
  fromDate: string
  toDate: string | null
}

/** Each person's addresses with a borough, latest-starting first, one query for a batch. */
export async function addressBoroughsOf(
  q: Executor,
  personIds: readonly string[],
): Promise<Map<string, AddressBorough[]>> {
  const out = new Map<string, AddressBorough[]>()
  if (personIds.length === 0) return out
  const rows = await q
    .selectFrom('person_address')
    .select(['person_id', 'borough_id', 'from_date', 'to_date'])
    .where('person_id', 'in', [...new Set(personIds)])
    .orderBy('from_date', 'desc')
    .execute()
  for (const r of rows)
    out.set(r.person_id, [
      ...(out.get(r.person_id) ?? []),
      { boroughId: r.borough_id, fromDate: asDay(r.from_date), toDate: asDayOrNull(r.to_date) },
    ])
  return out
}

/** The borough of the address a person had on a day, from `addressBoroughsOf`, as `addressBoroughOn` answers. */
export function boroughAt(addresses: readonly AddressBorough[], day: string): string | null {
  const address = addresses.find((a) => a.fromDate <= day && (a.toDate === null || a.toDate >= day))
  return address?.boroughId ?? null
}

/** A new address; the area holding the person before it is the one that records the move. */
export async function addAddress(
  q: Executor,
  deps: ChildrenDeps,
  personId: string,
  input: AddressInput,
  actor: Changer,
): Promise<PersonAddress> {
  const today = todayOf(deps.clock)
  const errors = [...validateAddress(input, today), ...(await checkBorough(q, input.boroughId))]
  if (errors.length) fail(errors)
  await inTransaction(q, async (trx) => {
    const person = await mustGet(trx, personId)
    await mustMayEdit(trx, actor, personId, today)
    if (person.mergedInto) throw new ConflictError('This record was merged into another')
    const clash = await trx
      .selectFrom('person_address')
      .select('id')
      .where('person_id', '=', personId)
      .where('from_date', '=', input.fromDate)
      .executeTakeFirst()
    if (clash) fail([{ field: 'fromDate', reason: 'This person already has an address from this date' }])
    await insertAddress(trx, deps, personId, input, actor)
    await deps.accessLog.logChange(
      actor,
      { action: 'update', subjectKind: 'person', subjectId: personId, detail: { added: 'address' } },
      trx,
    )
  })
  return (await addresses(q, personId)).find((a) => a.fromDate === input.fromDate) as PersonAddress
}
