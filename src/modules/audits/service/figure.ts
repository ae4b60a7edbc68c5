import type { Reach } from '../../../platform/access/need-to-know.ts'
import type { Executor } from '../../../platform/db/database.ts'
import { auditKind } from '../access.ts'
import type { CaseType } from '../case-types.ts'
import type { Grade } from '../criteria.ts'
import { type FigureOne, figureOne } from '../figure-one.ts'

/** Which audits a figure counts: a period of audit dates (both ends included). */
export interface FigureFilter {
  from?: string | undefined
  to?: string | undefined
}

/** Figure 1 over the audits the reader may see, counted in the database and laid out by the pure function. */
export async function figureOf(q: Executor, reach: Reach, filter: FigureFilter): Promise<FigureOne> {
  let query = q
    .selectFrom('audit')
    .select((eb) => ['case_type', 'grade', 'referred_back', eb.fn.countAll<string>().as('n')])
    .where(auditKind.where(reach))
    .groupBy(['case_type', 'grade', 'referred_back'])
  if (filter.from) query = query.where('audited_on', '>=', filter.from)
  if (filter.to) query = query.where('audited_on', '<=', filter.to)
  const rows = await query.execute()
  return figureOne(
    rows.flatMap((r) =>
      Array.from({ length: Number(r.n) }, () => ({
        caseType: r.case_type as CaseType,
        grade: r.grade as Grade,
        referredBack: r.referred_back,
      })),
    ),
  )
}
