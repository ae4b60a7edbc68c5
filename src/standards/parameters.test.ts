import { describe, expect, it } from 'vitest'
import { inForceAt, type ParameterValue } from './parameters.ts'

const change = (
  name: string,
  boroughId: string | null,
  value: number,
  effectiveFrom: string,
): ParameterValue => ({
  ruleId: 'MIS-02',
  name,
  boroughId,
  value,
  effectiveFrom: new Date(effectiveFrom),
})

describe('inForceAt', () => {
  // In parameterChanges order: by effective date, then by when each was set.
  const changes = [
    change('repeatEpisodes', null, 4, '2026-01-01T00:00:00Z'),
    change('repeatEpisodes', 'camden', 2, '2026-03-01T00:00:00Z'),
    change('repeatEpisodes', null, 5, '2026-06-01T00:00:00Z'),
    // A later decision about the same date replaces the earlier one.
    change('repeatEpisodes', null, 6, '2026-06-01T00:00:00Z'),
  ]
  const values = (at: string) =>
    inForceAt(changes, new Date(at))
      .map((v) => `${v.boroughId ?? 'force'}=${v.value}`)
      .sort()

  it('has nothing before the first change', () => {
    expect(values('2025-12-31T23:59:59Z')).toEqual([])
  })

  it('takes each borough and the force separately, from the instant a change takes effect', () => {
    expect(values('2026-01-01T00:00:00Z')).toEqual(['force=4'])
    expect(values('2026-03-01T00:00:00Z')).toEqual(['camden=2', 'force=4'])
  })

  it('lets the later decision about one date win', () => {
    expect(values('2026-06-01T00:00:00Z')).toEqual(['camden=2', 'force=6'])
  })
})
