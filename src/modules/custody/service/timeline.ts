import type { Reach } from '../../../platform/access/need-to-know.ts'
import type { Executor } from '../../../platform/db/database.ts'
import { detentionKind } from '../access.ts'
import { reachOver } from './dependencies.ts'

/** Items for a child's chronology (the children module's timeline): the detentions within reach. */
export async function timelineFor(q: Executor, personId: string, reach: Reach, asOf?: Date) {
  const within = await reachOver(q, reach)
  const rows = await q
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
}
