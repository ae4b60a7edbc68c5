import type { Executor } from '../../platform/db/database.ts'
import type { PersonHolding } from './access.ts'
import type { IsoDate } from './person.ts'

/**
 * Where a person's record is held on a day, for who may change it: the borough of their address on the
 * day, else of the last address that started by then (a child whose address ended is still held where they
 * last lived, not opened to every area). Read on the caller's executor, so a write checks inside its own
 * transaction what it is about to change.
 */
export async function holdingOf(q: Executor, personId: string, day: IsoDate): Promise<PersonHolding> {
  const row = await q
    .selectFrom('person_address')
    .select('borough_id')
    .where('person_id', '=', personId)
    .where('from_date', '<=', day)
    .orderBy((eb) => eb.or([eb('to_date', 'is', null), eb('to_date', '>=', day)]), 'desc')
    .orderBy('from_date', 'desc')
    .limit(1)
    .executeTakeFirst()
  return { boroughId: row?.borough_id ?? null }
}
