import { sql } from 'kysely'
import type { Executor } from '../../../platform/db/database.ts'
import { isUuid } from '../../../platform/ids.ts'
import type { KiratLevel, MaterialCategory, Source, Stage, TeamKind } from '../online-case.ts'

/** An online case row as the writers and views read it. */
export interface CaseRow {
  id: string
  ref: string
  source: Source
  nca_reference: string | null
  received_at: Date
  material_category: MaterialCategory
  material_description: string
  material_location: string | null
  material_uploaded_at: Date | null
  suspect_person_id: string | null
  borough_id: string | null
  bcu_id: string | null
  stage: Stage
  stage_at: Date
  allocated_team_id: string | null
  allocated_staff_id: string | null
  allocated_team_kind: TeamKind | null
  outcome_code: string | null
  closed_at: Date | null
  closing_reason: string | null
  created_at: Date
  updated_at: Date
  version: number
}

/** Cases by ref (any case) or id, one query for a batch; keyed by the key asked. */
export async function casesByKey(q: Executor, keys: readonly string[], forUpdate = false) {
  const asked = [...new Set(keys.map((k) => k.trim()).filter(Boolean))]
  const out = new Map<string, CaseRow>()
  if (asked.length === 0) return out
  const ids = asked.filter((k) => isUuid(k)).map((k) => k.toLowerCase())
  const refs = asked.map((k) => k.toUpperCase())
  const { rows } = await sql<CaseRow>`
    select * from online_case where id = any(${ids}::uuid[]) or ref = any(${refs}::text[])
    ${forUpdate ? sql`for update` : sql``}`.execute(q)
  for (const key of asked) {
    const row = rows.find((r) => r.id === key.toLowerCase() || r.ref === key.toUpperCase())
    if (row) out.set(key, row)
  }
  return out
}

/** One stage change as stored. */
export interface StageRow {
  id: string
  case_id: string
  seq: number
  stage: Stage
  at: Date
  returned_at: Date | null
  team_id: string | null
  staff_id: string | null
  team_kind: TeamKind | null
  outcome_code: string | null
  reason: string | null
  recorded_by: string
  recorded_at: Date
}

/** Each case's stage changes, in order. */
export async function stagesOf(q: Executor, caseIds: readonly string[]): Promise<Map<string, StageRow[]>> {
  const out = new Map<string, StageRow[]>(caseIds.map((id) => [id, []]))
  if (caseIds.length === 0) return out
  const rows = (await q
    .selectFrom('online_case_stage')
    .selectAll()
    .where('case_id', 'in', [...caseIds])
    .orderBy('case_id')
    .orderBy('seq')
    .execute()) as StageRow[]
  for (const r of rows) out.get(r.case_id)?.push(r)
  return out
}

/** The latest KIRAT level of each case at an instant (none assessed: not in the map). */
export async function kiratLevelsAt(
  q: Executor,
  caseIds: readonly string[],
  at: Date,
): Promise<Map<string, KiratLevel>> {
  if (caseIds.length === 0) return new Map()
  const { rows } = await sql<{ case_id: string; level: KiratLevel }>`
    select distinct on (case_id) case_id, level from online_kirat
    where case_id = any(${[...caseIds]}::uuid[]) and assessed_at <= ${at}
    order by case_id, assessed_at desc, recorded_at desc`.execute(q)
  return new Map(rows.map((r) => [r.case_id, r.level]))
}

/** The children identified in each case's household up to an instant, and whether any safeguarding closes it. */
export async function householdAt(q: Executor, caseId: string, at: Date) {
  const { rows } = await sql<{ children: number; protected: number }>`
    select (select count(*)::int from online_case_child c where c.case_id = ${caseId}::uuid
        and c.identified_at <= ${at}) as children,
      (select count(*)::int from online_case_safeguarding s where s.case_id = ${caseId}::uuid
        and s.kind in ('welfare_visit', 'social_care_referral') and s.at <= ${at}) as protected`.execute(q)
  return { children: rows[0]?.children ?? 0, protected: (rows[0]?.protected ?? 0) > 0 }
}
