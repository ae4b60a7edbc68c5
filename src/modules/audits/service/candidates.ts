import { type RawBuilder, sql } from 'kysely'
import type { Executor } from '../../../platform/db/database.ts'
import { londonDateOf } from '../../../standards/sql-time.ts'
import type { CaseType } from '../case-types.ts'

/*
 * The cases a programme samples from: Kestrel's own records of each case type of Figure 1, with where each
 * lies (borough and BCU, for the strata and need to know), the team that owns it (for referral back) and its
 * day (the period of the scope). This is the one place the audits module reads other modules' records, and
 * only these columns of them, read-only: an audit is of a case, whichever module keeps it.
 */

export interface Candidate {
  caseType: CaseType
  kind: string
  id: string
  ref: string
  boroughId: string | null
  bcuId: string | null
  teamId: string | null
  /** The child the case is about (the offender, for an RSO; the suspect, for an online case), for the chronology. */
  personId: string | null
  on: string
}

type Source = (from: string, to: string) => RawBuilder<Row>
type Row = {
  kind: string
  id: string
  ref: string
  borough_id: string | null
  bcu_id: string | null
  team_id: string | null
  person_id: string | null
  on: string
}

const inPeriod = (column: string, from: string, to: string) =>
  sql`${londonDateOf(column)} between ${from}::date and ${to}::date`

const pacs =
  (domestic: boolean): Source =>
  (from, to) =>
    sql<Row>`select 'pac' as kind, p.id, p.ref, p.borough_id, p.bcu_id, p.raised_by_team_id as team_id, p.person_id,
      ${londonDateOf('p.created_at')}::text as on
    from pac p
    where ${inPeriod('p.created_at', from, to)}
      and ('domestic_abuse_stalking_harassment' = any(p.concerns)) = ${domestic}`

const investigations =
  (caseType: string): Source =>
  (from, to) =>
    sql<Row>`select 'investigation' as kind, i.id, i.ref, i.borough_id, i.bcu_id, i.team_id,
      (select ip.person_id from investigation_person ip where ip.investigation_id = i.id and ip.is_child
        order by ip.ref limit 1) as person_id,
      ${londonDateOf('i.opened_at')}::text as on
    from investigation i
    where ${inPeriod('i.opened_at', from, to)} and i.case_type = ${caseType}`

const sources: Record<CaseType, Source> = {
  domestic_abuse_referral: pacs(true),
  other_referral: pacs(false),
  section_47: investigations('section_47'),
  place_of_safety: (from, to) =>
    sql<Row>`select 'police-protection' as kind, pp.id, pp.ref, i.borough_id, i.bcu_id, i.team_id, pp.person_id,
        ${londonDateOf('pp.started_at')}::text as on
      from police_protection pp join investigation i on i.id = pp.investigation_id
      where ${inPeriod('pp.started_at', from, to)}`,
  sex_offender: (from, to) =>
    sql<Row>`select 'rso' as kind, r.id, r.ref, r.borough_id, r.bcu_id, r.team_id, r.person_id,
        r.notification_start::text as on
      from rso r
      where r.notification_start <= ${to}::date and (r.notification_end is null or r.notification_end >= ${from}::date)`,
  cse_offline: investigations('cse_non_internet'),
  cse_online: (from, to) =>
    sql<Row>`select 'online-case' as kind, o.id, o.ref, o.borough_id, o.bcu_id, o.allocated_team_id as team_id, o.suspect_person_id as person_id,
        ${londonDateOf('o.received_at')}::text as on
      from online_case o
      where ${inPeriod('o.received_at', from, to)}`,
  missing: (from, to) =>
    sql<Row>`select 'missing-episode' as kind, m.id, m.ref, m.borough_id, m.bcu_id, null::uuid as team_id, m.person_id,
        ${londonDateOf('m.reported_at')}::text as on
      from missing_episode m
      where ${inPeriod('m.reported_at', from, to)}`,
  custody: (from, to) =>
    sql<Row>`select 'custody-detention' as kind, c.id, c.ref, c.borough_id, c.bcu_id,
        c.custody_suite_team_id as team_id, c.person_id, ${londonDateOf('c.arrested_at')}::text as on
      from custody_detention c
      where ${inPeriod('c.arrested_at', from, to)}`,
}

export interface Scope {
  caseTypes: readonly CaseType[]
  /** The BCUs sampled; every BCU when empty. */
  bcuIds: readonly string[]
  from: string
  to: string
}

/** Every case in the scope, in a fixed order (case type, then ref), so a seed always draws the same sample. */
export async function candidatesIn(q: Executor, scope: Scope): Promise<Candidate[]> {
  const all: Candidate[] = []
  for (const caseType of scope.caseTypes) {
    const rows = await sql<Row>`select * from (${sources[caseType](scope.from, scope.to)}) c
      where ${scope.bcuIds.length ? sql`c.bcu_id = any(${[...scope.bcuIds]}::uuid[])` : sql`true`}
      order by c.ref, c.id`.execute(q)
    for (const r of rows.rows)
      all.push({
        caseType,
        kind: r.kind,
        id: r.id,
        ref: r.ref,
        boroughId: r.borough_id,
        bcuId: r.bcu_id,
        teamId: r.team_id,
        personId: r.person_id,
        on: r.on,
      })
  }
  return all
}
