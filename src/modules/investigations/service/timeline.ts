import type { Reach } from '../../../platform/access/need-to-know.ts'
import type { Executor } from '../../../platform/db/database.ts'
import { isUuid } from '../../../platform/ids.ts'
import { investigationKind } from '../access.ts'

/** The child's chronology: the investigations they are linked to, within the reader's need to know. */
export async function timelineItems(q: Executor, personId: string, reach: Reach, asOf?: Date) {
  if (!isUuid(personId)) return []
  let query = q
    .selectFrom('investigation_person as p')
    .innerJoin('investigation as i', 'i.id', 'p.investigation_id')
    .select(['i.id', 'i.ref', 'i.opened_at', 'i.closed_at', 'i.case_type', 'p.role'])
    .where('p.person_id', '=', personId)
    .where(investigationKind.where(reach, 'i'))
  if (asOf) query = query.where('i.opened_at', '<=', asOf)
  const rows = await query.execute()
  return rows.flatMap((r) => [
    {
      at: r.opened_at,
      kind: 'investigation',
      title: `Investigation ${r.ref} opened`,
      detail: `Role: ${r.role.replace(/_/g, ' ')}`,
      href: `/investigations/${r.id}`,
    },
    ...(r.closed_at && (!asOf || r.closed_at <= asOf)
      ? [
          {
            at: r.closed_at,
            kind: 'investigation',
            title: `Investigation ${r.ref} closed`,
            href: `/investigations/${r.id}`,
          },
        ]
      : []),
  ])
}
