import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { reachOf } from '../../../platform/access/need-to-know.ts'
import type { Principal } from '../../../platform/auth/principal.ts'
import { ForbiddenError, ValidationError } from '../../../platform/http/errors.ts'
import { page, view } from '../../../platform/http/page.ts'
import {
  type ExportColumn,
  exportHrefs,
  exportRoutes,
  offsetBatches,
} from '../../../platform/http/record-export.ts'
import type { Measure, MeasureScope, RecordBehind, RecordsBehind } from '../../../platform/measures.ts'
import { findingKind } from '../../../standards/access.ts'
import { dashboardAccess } from '../access.ts'
import { lastCompleteMonth, monthLabel, periodOf, plusMonths } from '../months.ts'
import { dashboardQueryOf, filtersOf } from './query.ts'
import { areaOf, type DashboardPageDeps, dashboardPath, measuresFor } from './shared.ts'

/** The most records one page lists; the count above the table says how many there are. */
const shownAtMost = 500

const recordsPath = `${dashboardPath}/records`

/** Does the measure open record by record: findings for the engine's, the module's own records for a module's. */
export const drillsDown = (measure: Measure) => Boolean(measure.findingsBehind || measure.recordsBehind)

/**
 * The records behind a figure: those the measure was taken over for the area and month (the engine's
 * findings, or the owning module's records), as many as the reader's need to know reaches (a BCU lead sees
 * their BCU's, a force-wide role all), with how many there are in all, so the list's length can be checked
 * against the figure. The read is logged as one list of the records shown. The same list downloads whole as
 * CSV and XLSX (`/dashboard/records.csv`, `.xlsx`) with the same query, checked and scoped the same way.
 */
export function recordsPage(app: FastifyInstance, deps: DashboardPageDeps) {
  page(app, recordsPath, {
    access: dashboardAccess.read,
    get: async ({ request, principal, query }) => {
      const { asked, measure, month, area, scope } = await figureAsked(deps, query)
      const found = await behindOf(deps, measure, scope, principal)
      const [{ total, seen }, rows] = await Promise.all([found.counts(), found.rows(0, shownAtMost)])
      await deps.accessLog.recordList({
        actorId: principal.id,
        actorName: principal.username,
        subjectKind: found.kind,
        query: `GET ${request.url}`,
        ids: [...new Set(rows.map((r) => r.id))],
        requestId: request.id,
      })
      const kept = { ...asked, month }
      return view('dashboard/views/records.njk', {
        pageTitle: `${measure.title}: the ${found.noun} behind the figure`,
        measure,
        noun: total === 1 ? found.nounOne : found.noun,
        countedAs: found.countedAs,
        areaName: area.name,
        monthLabel: monthLabel(month),
        total,
        seen,
        shownAtMost,
        back: `${dashboardPath}/measure?${filtersOf(kept)}&id=${encodeURIComponent(measure.id)}`,
        findings: found.findings ? rows : [],
        records: found.findings ? [] : rows,
        exportLinks: seen ? exportHrefs(recordsPath, query) : undefined,
      })
    },
  })

  // Every record the page would list, not only the first 500, in its order.
  exportRoutes<FindingBehind | RecordBehind>(app, recordsPath, {
    access: dashboardAccess.read,
    accessLog: deps.accessLog,
    list: async ({ principal, query }) => {
      const { measure, month, scope } = await figureAsked(deps, query)
      const found = await behindOf(deps, measure, scope, principal)
      // A figure whose records all lie beyond the viewer's need to know (another BCU's) is not theirs to
      // export: refused plainly, as the issue asks, rather than answered with an empty file.
      const { total, seen } = await found.counts()
      if (total > 0 && seen === 0)
        throw new ForbiddenError(
          'None of the records behind this figure are within your need to know, so there is nothing to download',
        )
      return {
        fileName: `kestrel-records-behind-${measure.id}-${month}`,
        subjectKind: found.kind,
        idOf: (r) => r.id,
        // Offset paging, as the page's own query reads: a month's records behind one figure are a few batches.
        batches: (size) => offsetBatches<FindingBehind | RecordBehind>(found.rows, size),
        columns: found.findings ? findingColumns : recordColumns(found.countedAs),
      }
    },
  })
}

/**
 * The figure a drill-down is of, from its query: the measure (one that opens record by record), the month
 * (the last complete one when not asked) and the area, each a 400 naming its field when wrong.
 */
async function figureAsked(deps: DashboardPageDeps, query: unknown) {
  const asked = dashboardQueryOf(query)
  const measure = asked.id ? deps.dashboard.measure(asked.id) : undefined
  if (!measure) throw new ValidationError([{ field: 'id', reason: 'is not a measure Kestrel keeps' }])
  if (!drillsDown(measure))
    throw new ValidationError([{ field: 'id', reason: 'cannot be opened record by record yet' }])
  const latest = lastCompleteMonth(deps.clock.now())
  const month = asked.month ?? latest
  if (month > plusMonths(latest, 1))
    throw new ValidationError([{ field: 'month', reason: 'must not be after this month' }])
  const { area } = await areaOf(deps, asked)
  if (!measuresFor(area, [measure]).length)
    throw new ValidationError([{ field: 'id', reason: 'is not a measure that can be counted by team' }])
  const scope: MeasureScope = { ...periodOf(month), boroughIds: area.boroughIds, teamId: area.teamId }
  return { asked, measure, month, area, scope }
}

/** One of the engine's findings behind a figure, as the list shows it. */
interface FindingBehind {
  id: string
  rule_id: string
  subject_ref: string | null
  status: string
  due_at: Date | null
  breached_at: Date | null
  closed_at: Date | null
}

/**
 * What a figure was taken over: how many records in all and how many the reader's need to know reaches, and
 * those it reaches, a slice at a time in the list's order (the page's first 500, a download's every batch).
 */
interface Behind<R> {
  kind: string
  noun: string
  nounOne: string
  countedAs: string | undefined
  counts(): Promise<{ total: number; seen: number }>
  rows(offset: number, limit: number): Promise<R[]>
}

type FiguresBehind =
  | (Behind<FindingBehind> & { findings: true })
  | (Behind<RecordBehind> & { findings: false })

function behindOf(
  deps: DashboardPageDeps,
  measure: Measure,
  scope: MeasureScope,
  principal: Principal,
): Promise<FiguresBehind> {
  return measure.recordsBehind
    ? moduleRecords(deps, measure.recordsBehind, scope, principal)
    : Promise.resolve(findings(deps, measure, scope, principal))
}

/** The engine's findings behind the figure, as far as findingKind's one SQL condition reaches. */
function findings(deps: DashboardPageDeps, measure: Measure, scope: MeasureScope, principal: Principal) {
  const behind = (measure.findingsBehind as NonNullable<Measure['findingsBehind']>)(scope)
  const visible = findingKind.where(reachOf(principal), 'f')
  return {
    findings: true as const,
    kind: findingKind.kind,
    noun: 'findings',
    nounOne: 'finding',
    countedAs: undefined,
    counts: async () =>
      (
        await sql<{ total: number; seen: number }>`
          select count(*)::int as total, count(*) filter (where ${visible})::int as seen
          from finding f where f.id in (${behind})`.execute(deps.db)
      ).rows[0] ?? { total: 0, seen: 0 },
    rows: async (offset: number, limit: number) =>
      (
        await sql<FindingBehind>`
          select f.id, f.rule_id, f.subject_ref, f.status, f.due_at, f.breached_at, f.closed_at
          from finding f where f.id in (${behind}) and ${visible}
          order by coalesce(f.breached_at, f.due_at, f.opened_at) desc, f.id
          limit ${limit} offset ${offset}`.execute(deps.db)
      ).rows,
  }
}

/**
 * A module's records behind the figure: its query gives every record counted, each marked with whether the
 * reader's need to know reaches it (the module's own condition), so the count in all is the figure's `over`
 * and only those reached are listed.
 */
async function moduleRecords(
  deps: DashboardPageDeps,
  declared: RecordsBehind,
  scope: MeasureScope,
  principal: Principal,
) {
  const behind = await declared.query(deps.db, scope, principal)
  return {
    findings: false as const,
    kind: declared.kind,
    noun: declared.noun,
    nounOne: declared.nounOne,
    countedAs: declared.countedAs,
    counts: async () =>
      (
        await sql<{ total: number; seen: number }>`
          select count(*)::int as total, count(*) filter (where b.visible)::int as seen
          from (${behind}) b`.execute(deps.db)
      ).rows[0] ?? { total: 0, seen: 0 },
    rows: async (offset: number, limit: number) =>
      (
        await sql<RecordBehind>`
          select b.* from (${behind}) b where b.visible
          order by b.at desc nulls last, b.ref, b.id
          limit ${limit} offset ${offset}`.execute(deps.db)
      ).rows,
  }
}

/** A finding behind a figure as a row of a download: the page's columns, instants as ISO text in UTC. */
const findingColumns: readonly ExportColumn<FindingBehind>[] = [
  { header: 'finding', value: (f) => f.id },
  { header: 'rule', value: (f) => f.rule_id },
  { header: 'record', value: (f) => f.subject_ref },
  { header: 'status', value: (f) => f.status },
  { header: 'due at', value: (f) => f.due_at },
  { header: 'breached at', value: (f) => f.breached_at },
  { header: 'closed at', value: (f) => f.closed_at },
]

/** A module's record behind a figure as a row of a download; for a share, whether the figure counts it. */
function recordColumns(countedAs: string | undefined): readonly ExportColumn<RecordBehind>[] {
  return [
    { header: 'record', value: (r) => r.ref },
    { header: 'at', value: (r) => r.at },
    { header: 'summary', value: (r) => r.summary },
    ...(countedAs ? [{ header: countedAs, value: (r: RecordBehind) => (r.counted ? 'Yes' : 'No') }] : []),
  ]
}
