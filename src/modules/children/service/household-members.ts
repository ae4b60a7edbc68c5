import { sql } from 'kysely'
import type { Executor } from '../../../platform/db/database.ts'
import { ageAt, asDay, asDayOrNull, type IsoDate, isChildAt } from '../person.ts'
import { type Person, type PersonRow, toPerson } from './records.ts'

/** Who lived together on a day: a person's households, and the other children in them (REF-06). */

/** Who was in the same household as each person on a day, for many people in one query. */
async function householdMembersOn(q: Executor, personIds: readonly string[], day: IsoDate) {
  if (personIds.length === 0) return []
  const { rows } = await sql<
    PersonRow & {
      subject_id: string
      household_id: string
      household_ref: string
      role: string
      member_from: string
      member_to: string | null
    }
  >`
    select m1.person_id as subject_id, h.id as household_id, h.ref as household_ref, m2.role,
           m2.from_date as member_from, m2.to_date as member_to, p.*
    from household_membership m1
    join household h on h.id = m1.household_id
    join household_membership m2 on m2.household_id = m1.household_id
    join person p on p.id = m2.person_id and p.merged_into is null
    where m1.person_id = any(${[...personIds]}::uuid[])
      and m1.from_date <= ${day}::date and (m1.to_date is null or m1.to_date >= ${day}::date)
      and m2.from_date <= ${day}::date and (m2.to_date is null or m2.to_date >= ${day}::date)
    order by h.ref, p.date_of_birth nulls last, p.family_name`.execute(q)
  return rows
}

export interface HouseholdOnDay {
  id: string
  ref: string
  members: {
    person: Person
    role: string
    fromDate: string
    toDate: string | null
    age: ReturnType<typeof ageAt>
    isChild: boolean
  }[]
}

/** The household(s) a person lived in on a day, with everyone in them on that day and their ages. */
export async function householdOn(q: Executor, personId: string, day: IsoDate): Promise<HouseholdOnDay[]> {
  const households = new Map<string, HouseholdOnDay>()
  for (const row of await householdMembersOn(q, [personId], day)) {
    const household = households.get(row.household_id) ?? {
      id: row.household_id,
      ref: row.household_ref,
      members: [],
    }
    const person = toPerson(row)
    household.members.push({
      person,
      role: row.role,
      fromDate: asDay(row.member_from),
      toDate: asDayOrNull(row.member_to),
      age: ageAt(person, day),
      isChild: isChildAt(person, day),
    })
    households.set(row.household_id, household)
  }
  return [...households.values()]
}

/** The other children (under 18 on the day) living with each person on a day, for many people in one query. */
export async function otherChildrenInHousehold(
  q: Executor,
  personIds: readonly string[],
  day: IsoDate,
): Promise<Map<string, Person[]>> {
  const result = new Map<string, Person[]>(personIds.map((id) => [id, []]))
  for (const row of await householdMembersOn(q, personIds, day)) {
    if (row.id === row.subject_id) continue
    const person = toPerson(row)
    if (!isChildAt(person, day)) continue
    const list = result.get(row.subject_id) ?? []
    if (!list.some((p) => p.id === person.id)) list.push(person)
    result.set(row.subject_id, list)
  }
  return result
}

/**
 * As `otherChildrenInHousehold`, for many (person, day) pairs in one query: a rule evaluating a batch
 * of records dated on many days. Keyed `${personId}|${day}`; a pair with no other children has [].
 */
export async function otherChildrenInHouseholdOn(
  q: Executor,
  asked: readonly { personId: string; day: IsoDate }[],
): Promise<Map<string, Person[]>> {
  const pairs = [...new Map(asked.map((a) => [`${a.personId}|${a.day}`, a])).values()]
  const result = new Map<string, Person[]>(pairs.map((a) => [`${a.personId}|${a.day}`, []]))
  if (pairs.length === 0) return result
  const { rows } = await sql<PersonRow & { subject_id: string; asked_day: string }>`
    select a.subject_id::text as subject_id, a.day::text as asked_day, p.*
    from unnest(${pairs.map((a) => a.personId)}::uuid[], ${pairs.map((a) => a.day)}::date[])
      as a(subject_id, day)
    join household_membership m1 on m1.person_id = a.subject_id
      and m1.from_date <= a.day and (m1.to_date is null or m1.to_date >= a.day)
    join household h on h.id = m1.household_id
    join household_membership m2 on m2.household_id = m1.household_id
      and m2.from_date <= a.day and (m2.to_date is null or m2.to_date >= a.day)
    join person p on p.id = m2.person_id and p.merged_into is null
    order by a.subject_id, a.day, h.ref, p.date_of_birth nulls last, p.family_name`.execute(q)
  for (const row of rows) {
    if (row.id === row.subject_id) continue
    const person = toPerson(row)
    if (!isChildAt(person, row.asked_day as IsoDate)) continue
    const list = result.get(`${row.subject_id}|${row.asked_day}`)
    if (list && !list.some((p) => p.id === person.id)) list.push(person)
  }
  return result
}
