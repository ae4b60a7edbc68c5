import { describe, expect, it } from 'vitest'
import { comparisonChart, trendChart } from './charts.ts'

const percent = { share: true, format: (v: number) => `${Math.round(v * 100)}%` }

describe('the trend chart', () => {
  const months = ['July 2018', 'August 2018', 'September 2018', 'October 2018']
  it('is an image labelled by its title and description, with the last value written on it', () => {
    const svg = trendChart(
      { id: 't', title: 'Children seen <and> heard', description: 'A line chart.' },
      months.map((label, i) => ({ label, value: [0.5, 0.6, 0.7, 0.8][i] ?? null })),
      percent,
    )
    expect(svg).toMatch(/^<svg [^>]*role="img" aria-labelledby="t-title t-desc"/)
    expect(svg).toContain('<title id="t-title">Children seen &lt;and&gt; heard</title>')
    expect(svg).toContain('<desc id="t-desc">A line chart.</desc>')
    expect(svg.match(/<circle /g)).toHaveLength(4)
    expect(svg).toContain('<title>October 2018: 80%</title>')
    expect(svg).toMatch(/<text class="kestrel-chart__label"[^>]*>80%<\/text>/)
    // A share's axis runs to 100%.
    expect(svg).toContain('>100%</text>')
    expect(svg.match(/ M/g) ?? []).toHaveLength(0)
    expect(svg.match(/d="M/g)).toHaveLength(1)
  })

  it('breaks the line where a month has no data, and says so when none has', () => {
    const broken = trendChart(
      { id: 't', title: 'T', description: 'D' },
      months.map((label, i) => ({ label, value: [0.5, 0.6, null, 0.8][i] ?? null })),
      percent,
    )
    const d = broken.match(/<path class="kestrel-chart__line" d="([^"]+)"/)?.[1] ?? ''
    expect(d.match(/M/g)).toHaveLength(2)
    expect(broken.match(/<circle /g)).toHaveLength(3)
    const none = trendChart(
      { id: 't', title: 'T', description: 'D' },
      months.map((label) => ({ label, value: null })),
      percent,
    )
    expect(none).toContain('No data in these months')
  })
})

describe('the comparison chart', () => {
  it('names every bar and its value, and marks the area shown by pattern and words, not colour alone', () => {
    const svg = comparisonChart(
      { id: 'c', title: 'C', description: 'D' },
      [
        { label: 'Central West', value: 0.9, highlighted: false },
        { label: 'South', value: 0.5, highlighted: true },
        { label: 'North', value: null, highlighted: false },
      ],
      percent,
    )
    expect(svg.match(/<rect class="kestrel-chart__bar/g)).toHaveLength(2)
    expect(svg).toContain('kestrel-chart__bar kestrel-chart__bar--shown')
    expect(svg).toContain('>South (shown)</text>')
    expect(svg).toContain('>90%</text>')
    expect(svg).toContain('>50%</text>')
    expect(svg).toMatch(/>North<\/text><text class="kestrel-chart__label"[^>]*>No data<\/text>/)
  })
})
