import { seededRandom } from '../../platform/seed/random.ts'

/*
 * Which audits a second auditor moderates: a programme's share (its moderation percent), chosen by the
 * programme's seed and the case, so the choice is fixed when the audit is made and can be checked again.
 */
export function chosenForModeration(seed: string, caseKey: string, percent: number): boolean {
  if (percent <= 0) return false
  if (percent >= 100) return true
  return seededRandom(`${seed}:moderation:${caseKey}`).next() * 100 < percent
}
