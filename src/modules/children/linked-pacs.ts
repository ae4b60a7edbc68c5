import { sql } from 'kysely'
import type { Transaction } from '../../platform/db/database.ts'

/**
 * The PACs whose REF-06 a change around these people can change: the PACs about them, about anyone related
 * to them, and about anyone who has shared a household with them. A relationship or household membership
 * links the children around the people it names; an import of one judges these PACs again with its own
 * lines rather than leaving them to the next sweep. Generous (any date), since judging a PAC again is
 * harmless and missing one is not.
 */
export async function pacsAroundPeople(trx: Transaction, personIds: readonly string[]): Promise<string[]> {
  if (personIds.length === 0) return []
  const { rows } = await sql<{ id: string }>`
    with ends as (select distinct unnest(${[...new Set(personIds)]}::uuid[]) as person_id),
    around as (
      select person_id from ends
      union select r.person_a from relationship r join ends e on r.person_b = e.person_id
      union select r.person_b from relationship r join ends e on r.person_a = e.person_id
      union select m2.person_id from household_membership m1 join ends e on m1.person_id = e.person_id
        join household_membership m2 on m2.household_id = m1.household_id
    )
    select pac.id from pac join around a on a.person_id = pac.person_id`.execute(trx)
  return rows.map((r) => r.id)
}
