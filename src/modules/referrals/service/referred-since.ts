import { type RawBuilder, sql } from 'kysely'
import type { ConcernCategory } from '../pac.ts'

/**
 * For a rule that answers with one query, SQL not yet run: when each person's first PAC raising any of
 * `concerns` was created, one row (person_id, at) per person. `people`, when given, is a relation of
 * person_id to look at (a few records after a write).
 */
export function referredSinceSql(
  concerns: readonly ConcernCategory[],
  people?: RawBuilder<unknown>,
): RawBuilder<{ person_id: string; at: Date }> {
  return sql<{ person_id: string; at: Date }>`(
    select pac.person_id, min(pac.created_at) as at
    from pac
    where pac.concerns && ${[...concerns]}::text[] ${people ? sql`and pac.person_id in ${people}` : sql``}
    group by pac.person_id)`
}
