import { type RawBuilder, sql } from 'kysely'
import { reachOf } from '../../platform/access/need-to-know.ts'
import type { Executor } from '../../platform/db/database.ts'
import {
  inAreaSql,
  type Measure,
  type MeasureScope,
  type RecordsBehind,
  recordBehindColumns,
  shareOf,
} from '../../platform/measures.ts'
import { londonDate } from '../../platform/time.ts'
import { auditKind } from './access.ts'
import type { Grade } from './criteria.ts'
import { auditsPath } from './pages/shared.ts'

/*
 * The audits' measures for the dashboard: of the audits made in the period, the shares graded good and
 * inadequate (the report's 31 and 27 percent), and the share referred back (its 17 percent). An audit lies
 * where its case does, so an area's figures are its own cases' audits; a team's, the cases it owns.
 */

/** The audits made in the period in the scope's area (and team): what each share is taken over (alias `a`). */
const auditedIn = (scope: MeasureScope) => sql<boolean>`
  a.audited_on >= ${londonDate(scope.from)}::date and a.audited_on < ${londonDate(scope.until)}::date
    and ${inAreaSql('a.borough_id', scope.boroughIds)}
    and ${scope.teamId ? sql`a.team_id = ${scope.teamId}::uuid` : sql`true`}`

async function counted(q: Executor, scope: MeasureScope, what: RawBuilder<boolean>) {
  const row = await sql<{ n: string; of: string }>`
    select count(*) filter (where ${what}) as n, count(*) as of from audit a
    where ${auditedIn(scope)}`.execute(q)
  const r = row.rows[0]
  return shareOf(Number(r?.n ?? 0), Number(r?.of ?? 0))
}

/** The audits behind a share, those `what` counts marked, as far as the audit list's need to know reaches. */
const auditsBehind = (countedAs: string, what: RawBuilder<boolean>): RecordsBehind => ({
  kind: auditKind.kind,
  noun: 'case file audits',
  nounOne: 'case file audit',
  countedAs,
  async query(_q, scope, reader) {
    return sql`select ${recordBehindColumns({
      id: 'a.id',
      ref: 'a.ref',
      summary: sql`coalesce(replace(a.grade, '_', ' '), 'Not graded') || case when a.referred_back then ', referred back' else '' end`,
      borough: 'a.borough_id',
      at: sql`a.audited_on::timestamptz`,
      href: sql`${`${auditsPath}/`}::text || a.ref`,
      counted: what,
      visible: auditKind.where(reachOf(reader), 'a'),
    })} from audit a where ${auditedIn(scope)}`
  },
})

const source =
  'Inspection report 2018, Figure 1: of 303 cases, 31 percent good, 27 percent inadequate, 17 percent referred back'

function gradeShare(grade: Grade, name: string, title: string, higherIsBetter: boolean): Measure {
  return {
    id: `audits.${name}`,
    title,
    counts: `Of the case file audits made in the period, the share graded ${grade.replaceAll('_', ' ')} (after moderation)`,
    unit: 'share',
    higherIsBetter,
    dimensions: ['area', 'team'],
    source,
    take: (q, scope) => counted(q, scope, sql<boolean>`a.grade = ${grade}`),
    recordsBehind: auditsBehind(`graded ${grade.replaceAll('_', ' ')}`, sql<boolean>`a.grade = ${grade}`),
  }
}

export const auditMeasures: readonly Measure[] = [
  gradeShare('good', 'graded-good', 'Audited cases graded good', true),
  gradeShare('inadequate', 'graded-inadequate', 'Audited cases graded inadequate', false),
  {
    id: 'audits.referred-back',
    title: 'Audited cases referred back for action',
    counts:
      'Of the case file audits made in the period, the share referred back to the case’s owner for action',
    unit: 'share',
    higherIsBetter: false,
    dimensions: ['area', 'team'],
    source,
    take: (q, scope) => counted(q, scope, sql<boolean>`a.referred_back`),
    recordsBehind: auditsBehind('referred back', sql<boolean>`a.referred_back`),
  },
]
