import type { Reach } from '../../../platform/access/need-to-know.ts'
import type { Executor } from '../../../platform/db/database.ts'
import { isUuid } from '../../../platform/ids.ts'
import { investigationKind } from '../access.ts'
import { type CaseType, caseTypeLabels } from '../investigation.ts'

/**
 * Open investigations a person is linked to, for the missing grading page's history at the point of
 * decision: only those within the reader's need to know.
 */
export async function openCasesFor(
  q: Executor,
  personId: string,
  reach: Reach,
): Promise<{ ref: string; title: string; href: string }[]> {
  if (!isUuid(personId)) return []
  const rows = await q
    .selectFrom('investigation_person as p')
    .innerJoin('investigation as i', 'i.id', 'p.investigation_id')
    .select(['i.id', 'i.ref', 'i.case_type', 'p.role'])
    .where('p.person_id', '=', personId)
    .where('i.status', '=', 'open')
    .where(investigationKind.where(reach, 'i'))
    .orderBy('i.opened_at', 'desc')
    .execute()
  return rows.map((r) => ({
    ref: r.ref,
    title: `${caseTypeLabels[r.case_type as CaseType] ?? r.case_type} (${r.role.replace(/_/g, ' ')})`,
    href: `/investigations/${r.id}`,
  }))
}
