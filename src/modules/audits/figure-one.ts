import { csvOf } from '../../platform/csv.ts'
import { type CaseType, caseTypeLabels, caseTypes } from './case-types.ts'
import { type Grade, gradeLabels, grades } from './criteria.ts'

/*
 * Figure 1 of the report for any set of audits: grades by case type, each with its count and its share of the
 * row, the row's total, and how many were referred back to the force. Shares are whole percentages of the
 * row, rounded half up, as the report gives them (93 of 303 is 31 percent).
 */

export interface GradedAudit {
  caseType: CaseType
  grade: Grade
  referredBack: boolean
}

export interface Cell {
  count: number
  /** Whole percent of the row's total; null where the row has no audits. */
  percent: number | null
}

export interface FigureRow {
  caseType: CaseType | 'total'
  label: string
  grades: Record<Grade, Cell>
  total: number
  referredBack: Cell
}

export interface FigureOne {
  rows: FigureRow[]
  total: FigureRow
}

export const percentOf = (count: number, total: number): number | null =>
  total === 0 ? null : Math.round((count * 100) / total)

function row(caseType: FigureRow['caseType'], label: string, audits: readonly GradedAudit[]): FigureRow {
  const total = audits.length
  const cell = (count: number): Cell => ({ count, percent: percentOf(count, total) })
  return {
    caseType,
    label,
    grades: Object.fromEntries(
      grades.map((g) => [g, cell(audits.filter((a) => a.grade === g).length)]),
    ) as Record<Grade, Cell>,
    total,
    referredBack: cell(audits.filter((a) => a.referredBack).length),
  }
}

/** Every case type is a row, in the report's order, even with no audits, so programmes compare line by line. */
export function figureOne(audits: readonly GradedAudit[]): FigureOne {
  return {
    rows: caseTypes.map((t) =>
      row(
        t,
        caseTypeLabels[t],
        audits.filter((a) => a.caseType === t),
      ),
    ),
    total: row('total', 'Total', audits),
  }
}

const shareText = (cell: Cell) => (cell.percent === null ? '' : cell.percent)

/** Figure 1 as CSV: one line a case type and a total line, each grade's count and percent, as on the page. */
export function figureOneCsv(figure: FigureOne): string {
  const header = [
    'Case type',
    ...grades.flatMap((g) => [gradeLabels[g], `${gradeLabels[g]} %`]),
    'Total',
    'Referred back',
    'Referred back %',
  ]
  return csvOf(
    header,
    [...figure.rows, figure.total].map((r) => [
      r.label,
      ...grades.flatMap((g) => [r.grades[g].count, shareText(r.grades[g])]),
      r.total,
      r.referredBack.count,
      shareText(r.referredBack),
    ]),
  )
}
