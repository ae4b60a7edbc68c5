import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { reportRecommendations } from './report-recommendations.ts'

/** The report as plain words: its line and page layout undone, and the bullets its layout misplaces. */
const words = (text: string) => text.replace(/•/g, ' ').replace(/\s+/g, ' ').trim()

const report = words(
  readFileSync(new URL('../../../../shared/reference/inspection-report-2018.txt', import.meta.url), 'utf8'),
)
const annexA = report.slice(report.indexOf('Annex A: Summary of 2016'))
const of2018 = report.slice(
  report.indexOf('2018 recommendations'),
  report.indexOf('Annex A: Summary of 2016'),
)

describe('the recommendations seeded from the report', () => {
  it('are every 2016 recommendation of Annex A (four immediate, five within three or six months) and the two of 2018', () => {
    const refs = reportRecommendations.map((r) => `${r.ref} ${r.timeFrame}`)
    expect(refs).toEqual([
      'R2016-01 immediately',
      'R2016-02 immediately',
      'R2016-03 immediately',
      'R2016-04 immediately',
      'R2016-05 three_months',
      'R2016-06 three_months',
      'R2016-07 six_months',
      'R2016-08 six_months',
      'R2016-09 six_months',
      'R2018-01 immediately',
      'R2018-02 immediately',
    ])
  })

  it('are each word for word in the report, in its section for their year and in its order', () => {
    for (const [year, section] of [
      ['R2016', annexA],
      ['R2018', of2018],
    ] as const) {
      let from = 0
      for (const r of reportRecommendations.filter((x) => x.ref.startsWith(year))) {
        const at = section.indexOf(words(r.paragraphs.join(' ')), from)
        expect(at, r.ref).toBeGreaterThanOrEqual(from)
        from = at + 1
      }
    }
  })

  it('are all of each section: nothing of Annex A or the 2018 list is left out', () => {
    const headings =
      /^(Annex A: Summary of 2016 recommendations|Immediately|Within three months|Within six months) ?/
    let annex = annexA
    for (const r of reportRecommendations.filter((x) => x.ref.startsWith('R2016'))) {
      annex = annex.replace(words(r.paragraphs.join(' ')), '')
    }
    let rest = words(annex)
    for (let i = 0; i < 6; i++) rest = rest.replace(headings, '').trim()
    expect(rest).toBe('')
  })
})
