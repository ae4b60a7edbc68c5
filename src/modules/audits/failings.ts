import { type Theme, themeLabels, themes } from './criteria.ts'

/*
 * How often each failing was found: for each theme, in each quarter, of the audits that judged it, how many
 * found it not met. A pure layout of counted rows, so the page and its test read the same table.
 */

export interface FailingCount {
  theme: Theme
  /** The quarter's first day, 'YYYY-MM-DD'. */
  quarter: string
  notMet: number
  judged: number
}

export const quarterLabel = (quarter: string) => {
  const [year, month] = quarter.split('-').map(Number) as [number, number]
  return `${year} Q${Math.floor((month - 1) / 3) + 1}`
}

export function failingsTable(counts: readonly FailingCount[]) {
  const quarters = [...new Set(counts.map((c) => c.quarter))].sort()
  const cell = (theme: Theme, quarter: string) => {
    const found = counts.find((c) => c.theme === theme && c.quarter === quarter)
    const judged = found?.judged ?? 0
    const notMet = found?.notMet ?? 0
    return { notMet, judged, percent: judged ? Math.round((notMet * 100) / judged) : null }
  }
  return {
    quarters: quarters.map((q) => ({ value: q, label: quarterLabel(q) })),
    rows: themes.map((theme) => ({
      theme,
      label: themeLabels[theme],
      cells: quarters.map((q) => cell(theme, q)),
    })),
  }
}
