/** Small numeric helpers for the benchmarks: every figure is measured, never asserted. */

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  // Nearest rank: p99 of 200 samples is the 198th, never an interpolation between two samples.
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)))
  return sorted[rank - 1] as number
}

export const median = (values: readonly number[]) => percentile(values, 50)

export function round(value: number, digits = 1): number {
  if (!Number.isFinite(value)) return value
  const f = 10 ** digits
  return Math.round(value * f) / f
}

/** Milliseconds a call takes, with its result. */
export async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const start = process.hrtime.bigint()
  const result = await f()
  return [result, Number(process.hrtime.bigint() - start) / 1e6]
}

/** A ratio as the tables show it: "2.4x", or "n/a" when there is no baseline. */
export function ratio(value: number, baseline: number | undefined): number | null {
  if (baseline === undefined || !(baseline > 0) || !Number.isFinite(value)) return null
  return round(value / baseline, 2)
}
