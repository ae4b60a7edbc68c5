import type { MeasureUnit } from '../../platform/measures.ts'

/** A measure's value as a leader reads it: 83%, 1,204, 12.5 hours, 3.2 days; "No data" when there was none. */
export function formatFigure(value: number | null, unit: MeasureUnit): string {
  if (value === null) return 'No data'
  switch (unit) {
    case 'share':
      return `${Math.round(value * 100)}%`
    case 'count':
      return Math.round(value).toLocaleString('en-GB')
    case 'hours':
    case 'days': {
      const shown = value.toLocaleString('en-GB', { maximumFractionDigits: 1 })
      return `${shown} ${shown === '1' ? unit.slice(0, -1) : unit}`
    }
  }
}

/**
 * How a figure moved since the month before, in words that say whether that is better: a share in
 * percentage points, anything else in its own unit. Null when either month had no data.
 */
export function changeOf(
  now: number | null,
  before: number | null,
  unit: MeasureUnit,
  higherIsBetter: boolean,
): { text: string; direction: 'better' | 'worse' | 'same' } | null {
  if (now === null || before === null) return null
  const delta = unit === 'share' ? Math.round(now * 100) - Math.round(before * 100) : now - before
  const size = Math.abs(delta)
  if (size < (unit === 'count' ? 0.5 : 0.05)) return { text: 'No change', direction: 'same' }
  const amount = unit === 'share' ? `${size} ${size === 1 ? 'point' : 'points'}` : formatFigure(size, unit)
  const better = delta > 0 === higherIsBetter
  return {
    text: `${delta > 0 ? 'Up' : 'Down'} ${amount} (${better ? 'better' : 'worse'})`,
    direction: better ? 'better' : 'worse',
  }
}
