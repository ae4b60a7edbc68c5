import { describe, expect, it } from 'vitest'
import { figureOne, figureOneCsv } from './figure-one.ts'

describe('Figure 1', () => {
  it('counts grades by case type with whole percentages of the row, and the share referred back', () => {
    const figure = figureOne([
      { caseType: 'custody', grade: 'requires_improvement', referredBack: false },
      { caseType: 'custody', grade: 'inadequate', referredBack: true },
      { caseType: 'custody', grade: 'inadequate', referredBack: false },
      { caseType: 'missing', grade: 'good', referredBack: false },
    ])
    const custody = figure.rows.find((r) => r.caseType === 'custody')
    expect(custody?.grades).toEqual({
      good: { count: 0, percent: 0 },
      requires_improvement: { count: 1, percent: 33 },
      inadequate: { count: 2, percent: 67 },
    })
    expect(custody?.referredBack).toEqual({ count: 1, percent: 33 })
    expect(figure.rows.find((r) => r.caseType === 'section_47')?.grades.good).toEqual({
      count: 0,
      percent: null,
    })
    expect(figure.total.total).toBe(4)
    expect(figure.rows).toHaveLength(9)
  })

  it('as CSV: a header, a line a case type in the report’s order and a total line', () => {
    const csv = figureOneCsv(figureOne([{ caseType: 'missing', grade: 'good', referredBack: true }]))
    const lines = csv.trimEnd().split('\r\n')
    expect(lines).toHaveLength(11)
    expect(lines[0]).toBe(
      'Case type,Good,Good %,Requires improvement,Requires improvement %,Inadequate,Inadequate %,Total,Referred back,Referred back %',
    )
    expect(lines[1]).toBe('Referrals relating to domestic abuse,0,,0,,0,,0,0,')
    expect(lines[8]).toBe('Children missing,1,100,0,0,0,0,1,1,100')
    expect(lines[10]).toBe('Total,1,100,0,0,0,0,1,1,100')
  })
})
