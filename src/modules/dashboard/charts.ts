import { scaleBand, scaleLinear, scalePoint } from 'd3-scale'
import { line } from 'd3-shape'
import { escapeHtml } from '../../platform/html.ts'

/**
 * Charts drawn on the server as SVG (decision record 0012): d3's scales place the marks and d3's line
 * generator draws the trend; the markup is written here, so the page works without JavaScript. Each chart
 * has a title and a description for screen readers, labels its values directly (never by colour alone),
 * and the page shows its figures as a table beside it.
 */

export interface ChartText {
  /** A unique id on the page, for the title and description the SVG is labelled by. */
  id: string
  title: string
  description: string
}

export interface TrendPoint {
  label: string
  value: number | null
}

const frame = (chart: ChartText, width: number, height: number, body: string) =>
  `<svg class="kestrel-chart" viewBox="0 0 ${width} ${height}" width="100%" role="img" ` +
  `aria-labelledby="${chart.id}-title ${chart.id}-desc" focusable="false" xmlns="http://www.w3.org/2000/svg">` +
  `<title id="${chart.id}-title">${escapeHtml(chart.title)}</title><desc id="${chart.id}-desc">${escapeHtml(chart.description)}</desc>` +
  `${body}</svg>`

/** The top of a value axis: a share's is 100%, anything else a little above the largest value. */
function axisTop(values: readonly number[], share: boolean) {
  if (share) return 1
  const max = Math.max(0, ...values)
  return max === 0 ? 1 : max * 1.1
}

/** A month to mark on a trend (a BCU going live), drawn as a dashed line with its words. */
export interface TrendMarker {
  /** The point's label it stands at. */
  label: string
  text: string
}

/**
 * A line chart of a measure by month: the line broken where a month has no data, a dot at every month with
 * data, the last value written beside the line, gridlines with their values, every third month named, and
 * any marked months as dashed lines numbered in the order the description and table name them.
 */
export function trendChart(
  chart: ChartText,
  points: readonly TrendPoint[],
  options: { share: boolean; format: (value: number) => string; markers?: readonly TrendMarker[] },
): string {
  const width = 640
  const height = 260
  const margin = { top: 16, right: 72, bottom: 40, left: 56 }
  const values = points.flatMap((p) => (p.value === null ? [] : [p.value]))
  const x = scalePoint<string>()
    .domain(points.map((p) => p.label))
    .range([margin.left, width - margin.right])
  const y = scaleLinear()
    .domain([0, axisTop(values, options.share)])
    .nice()
    .range([height - margin.bottom, margin.top])
  const grid = y
    .ticks(5)
    .map(
      (t) =>
        `<line class="kestrel-chart__grid" x1="${margin.left}" x2="${width - margin.right}" y1="${y(t)}" y2="${y(t)}"/>` +
        `<text class="kestrel-chart__axis" x="${margin.left - 6}" y="${y(t) + 4}" text-anchor="end">${escapeHtml(options.format(t))}</text>`,
    )
    .join('')
  const months = points
    .map((p, i) =>
      i % 3 === (points.length - 1) % 3
        ? `<text class="kestrel-chart__axis" x="${x(p.label)}" y="${height - margin.bottom + 18}" text-anchor="middle">${escapeHtml(p.label.replace(/^(\w{3})\w* (\d{4})$/, '$1 $2'))}</text>`
        : '',
    )
    .join('')
  const path =
    line<TrendPoint>()
      .defined((p) => p.value !== null)
      .x((p) => x(p.label) ?? 0)
      .y((p) => y(p.value ?? 0))(points as TrendPoint[]) ?? ''
  const dots = points
    .filter((p) => p.value !== null)
    .map(
      (p) =>
        `<circle class="kestrel-chart__dot" cx="${x(p.label)}" cy="${y(p.value as number)}" r="3.5"><title>${escapeHtml(`${p.label}: ${options.format(p.value as number)}`)}</title></circle>`,
    )
    .join('')
  const last = [...points].reverse().find((p) => p.value !== null)
  const lastLabel = last
    ? `<text class="kestrel-chart__label" x="${(x(last.label) ?? 0) + 8}" y="${y(last.value as number) + 4}">${escapeHtml(options.format(last.value as number))}</text>`
    : ''
  const marks = (options.markers ?? [])
    .filter((m) => x(m.label) !== undefined)
    .map((m, i) => {
      const at = x(m.label) as number
      return (
        `<line class="kestrel-chart__marker" x1="${at}" x2="${at}" y1="${margin.top}" y2="${height - margin.bottom}"><title>${escapeHtml(`${m.label}: ${m.text}`)}</title></line>` +
        `<text class="kestrel-chart__axis" x="${at + 3}" y="${margin.top + 10}">${i + 1}</text>`
      )
    })
    .join('')
  const empty = values.length
    ? ''
    : `<text class="kestrel-chart__label" x="${width / 2}" y="${height / 2}" text-anchor="middle">No data in these months</text>`
  return frame(
    chart,
    width,
    height,
    `${grid}${months}${marks}<path class="kestrel-chart__line" d="${path}" fill="none"/>${dots}${lastLabel}${empty}`,
  )
}

export interface Bar {
  label: string
  value: number | null
  /** The area the page is about: drawn hatched and named "(shown)", not told by colour alone. */
  highlighted: boolean
}

/** A horizontal bar chart comparing areas, each bar named and its value written at its end. */
export function comparisonChart(
  chart: ChartText,
  bars: readonly Bar[],
  options: { share: boolean; format: (value: number) => string },
): string {
  const width = 640
  const rowHeight = 26
  const margin = { top: 8, right: 80, bottom: 8, left: 200 }
  const height = margin.top + margin.bottom + rowHeight * bars.length
  const values = bars.flatMap((b) => (b.value === null ? [] : [b.value]))
  const x = scaleLinear()
    .domain([0, axisTop(values, options.share)])
    .range([margin.left, width - margin.right])
  const y = scaleBand<string>()
    .domain(bars.map((_, i) => String(i)))
    .range([margin.top, height - margin.bottom])
    .padding(0.2)
  const rows = bars
    .map((b, i) => {
      const top = y(String(i)) ?? 0
      const middle = top + y.bandwidth() / 2 + 4
      const name = `<text class="kestrel-chart__axis" x="${margin.left - 8}" y="${middle}" text-anchor="end">${escapeHtml(b.highlighted ? `${b.label} (shown)` : b.label)}</text>`
      if (b.value === null)
        return `${name}<text class="kestrel-chart__label" x="${margin.left + 4}" y="${middle}">No data</text>`
      const end = x(b.value)
      return (
        `${name}<rect class="kestrel-chart__bar${b.highlighted ? ' kestrel-chart__bar--shown' : ''}" x="${margin.left}" y="${top}" width="${Math.max(1, end - margin.left)}" height="${y.bandwidth()}"/>` +
        `<text class="kestrel-chart__label" x="${end + 6}" y="${middle}">${escapeHtml(options.format(b.value))}</text>`
      )
    })
    .join('')
  const hatch =
    '<defs><pattern id="kestrel-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">' +
    '<rect width="6" height="6" class="kestrel-chart__hatch-ground"/><line x1="0" y1="0" x2="0" y2="6" class="kestrel-chart__hatch-line"/></pattern></defs>'
  return frame(chart, width, height, `${hatch}${rows}`)
}
