import { sql } from 'kysely'
import type { Reach } from '../../../platform/access/need-to-know.ts'
import type { Executor } from '../../../platform/db/database.ts'
import { auditKind } from '../access.ts'
import type { Theme } from '../criteria.ts'
import type { FailingCount } from '../failings.ts'

/** Not-met judgements by theme and quarter, over the audits the reader may see in the boroughs asked (null: all). */
export async function failingCounts(
  q: Executor,
  reach: Reach,
  boroughIds: readonly string[] | null,
): Promise<FailingCount[]> {
  const rows = await q
    .selectFrom('audit_judgement as j')
    .innerJoin('audit', 'audit.id', 'j.audit_id')
    .select([
      'j.theme',
      sql<string>`to_char(date_trunc('quarter', audit.audited_on), 'YYYY-MM-DD')`.as('quarter'),
      sql<string>`count(*) filter (where j.judgement = 'not_met')`.as('not_met'),
      sql<string>`count(*) filter (where j.judgement <> 'not_applicable')`.as('judged'),
    ])
    .where(auditKind.where(reach))
    .where(
      boroughIds === null
        ? sql<boolean>`true`
        : sql<boolean>`audit.borough_id = any(${[...boroughIds]}::uuid[])`,
    )
    .groupBy(['j.theme', sql`2`])
    .execute()
  return rows.map((r) => ({
    theme: r.theme as Theme,
    quarter: r.quarter,
    notMet: Number(r.not_met),
    judged: Number(r.judged),
  }))
}
