import { describe, expect, it } from 'vitest'
import { isStrand, strandLabels, strands } from './strands.ts'

describe('the safeguarding strands', () => {
  it('are the twelve of the inspection report, each labelled', () => {
    expect(strands).toHaveLength(12)
    expect(new Set(strands).size).toBe(12)
    expect(Object.keys(strandLabels).sort()).toEqual([...strands].sort())
    for (const strand of strands) expect(strandLabels[strand].trim()).not.toBe('')
  })

  it.each([
    ['child_abuse', true],
    ['vulnerable_adults', true],
    ['Child abuse', false],
    ['CHILD_ABUSE', false],
    ['', false],
    [null, false],
    [3, false],
  ])('isStrand(%j) is %s', (value, expected) => {
    expect(isStrand(value)).toBe(expected)
  })
})
