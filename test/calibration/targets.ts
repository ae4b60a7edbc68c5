import type { CalibrationTarget, RuleRate } from './measure.ts'

/**
 * Each implemented rule's band at the demo's end (scale 0.1, seed 2018): the share of its records that
 * raise a finding, at least one record always. Filled in from the first measurement.
 */
export const calibrationTargets: Record<string, CalibrationTarget> = {}

/** Rules outside their band, each with its share: empty when the demo is calibrated. */
export function outsideBand(rates: readonly RuleRate[]): string[] {
  return rates.flatMap((r) => {
    const t = calibrationTargets[r.ruleId]
    const value = t?.of === 'judged' ? r.shareJudged : r.share
    const share = `${r.ruleId} ${(value * 100).toFixed(1)}%`
    if (r.raising === 0) return [`${share} (raises nothing)`]
    if (t && (value < t.min || value > t.max)) return [share]
    return []
  })
}
