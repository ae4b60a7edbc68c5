import type { Reach } from '../../../platform/access/need-to-know.ts'
import type { Executor } from '../../../platform/db/database.ts'
import { auditKind } from '../access.ts'
import type { FigureFilter } from './figure.ts'

/** The audits the reader may see in a period, newest first (at most `limit`). */
export function auditList(q: Executor, reach: Reach, filter: FigureFilter & { limit?: number | undefined }) {
  let query = q
    .selectFrom('audit')
    .select([
      'id',
      'ref',
      'case_type',
      'subject_kind',
      'subject_ref',
      'case_reference',
      'auditor',
      'audited_on',
      'grade',
      'referred_back',
      'referred_on',
      'responded_on',
    ])
    .where(auditKind.where(reach))
    .orderBy('audited_on', 'desc')
    .orderBy('ref')
    .limit(filter.limit ?? 500)
  if (filter.from) query = query.where('audited_on', '>=', filter.from)
  if (filter.to) query = query.where('audited_on', '<=', filter.to)
  return query.execute()
}
