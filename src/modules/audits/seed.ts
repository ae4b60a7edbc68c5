import type { SeedGenerator } from '../../platform/seed/seeder.ts'
import { londonBcus } from '../organisation/london.ts'
import { type SeededTeam, seededBoroughsKey, seededTeamsKey } from '../organisation/seed.ts'
import { type CaseType, caseTypes } from './case-types.ts'
import { type Grade, type Judgement, themes } from './criteria.ts'

/*
 * Demo audits: for each BCU, a quarter's audit round in each quarter of the demo year, 25 cases a round at
 * scale 1, of the case types in the proportions of Figure 1 (303 cases), graded near the report's shares
 * (31 percent good, 42 requires improvement, 27 inadequate) and referred back at its 17 percent (every one
 * from the inadequate audits, as serious problems are). Most referrals are answered within a fortnight, some
 * late, some not yet (AUD-01). The cases are named by a demo case reference: the rounds are imported as past
 * audits are, not drawn from the demo's records.
 */

/** Figure 1's totals by case type, for the mix of case types audited. */
const caseTypeWeights: Record<CaseType, number> = {
  domestic_abuse_referral: 37,
  other_referral: 45,
  section_47: 46,
  place_of_safety: 27,
  sex_offender: 22,
  cse_offline: 27,
  cse_online: 34,
  missing: 35,
  custody: 30,
}
const gradeShares: readonly (readonly [Grade, number])[] = [
  ['good', 31],
  ['requires_improvement', 42],
  ['inadequate', 27],
]
const judgementsFor: Record<Grade, readonly (readonly [Judgement, number])[]> = {
  good: [
    ['met', 80],
    ['partly_met', 15],
    ['not_applicable', 5],
  ],
  requires_improvement: [
    ['met', 45],
    ['partly_met', 35],
    ['not_met', 15],
    ['not_applicable', 5],
  ],
  inadequate: [
    ['met', 20],
    ['partly_met', 25],
    ['not_met', 50],
    ['not_applicable', 5],
  ],
}
const day = 86_400_000
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10)

export const auditsSeed: SeedGenerator = {
  name: 'audits',
  *generate({ scale, random, until, shared }) {
    const boroughs = new Set((shared.get(seededBoroughsKey) as string[] | undefined) ?? [])
    const teams = (shared.get(seededTeamsKey) as SeededTeam[] | undefined) ?? []
    if (!boroughs.size) return
    const perRound = Math.max(1, Math.round(25 * scale))
    const end = until.getTime() - day
    let n = 0
    for (const bcu of londonBcus) {
      const inBcu = bcu.boroughs.filter((b) => boroughs.has(b))
      if (!inBcu.length) continue
      const cait = teams.find((t) => t.kind === 'cait' && t.bcu === bcu.code)
      for (let quarter = 0; quarter < 4; quarter++) {
        // Each round is audited over the quarter's last month.
        const roundEnd = end - quarter * 91 * day
        for (let i = 0; i < perRound; i++) {
          n++
          const auditedAt = roundEnd - random.next() * 30 * day
          const grade = random.weighted(gradeShares)
          // 17 of every 27 inadequate audits referred back: 17 percent of all.
          const referredBack = grade === 'inadequate' && random.chance(17 / 27)
          const respondedAfter = random.weighted([
            [random.int(2, 13), 70],
            [random.int(15, 40), 20],
            [null, 10],
          ] as const)
          const respondedAt = respondedAfter === null ? null : auditedAt + respondedAfter * day
          yield {
            kind: 'audit',
            ref: `AUD-DEMO-${bcu.code}-${String(n).padStart(5, '0')}`,
            caseType: random.weighted(caseTypes.map((t) => [t, caseTypeWeights[t]] as const)),
            caseReference: `DEMO-${bcu.code}-Q${4 - quarter}-${String(i + 1).padStart(3, '0')}`,
            borough: random.pick(inBcu),
            ...(cait ? { team: cait.ref } : {}),
            auditor: 'Dedicated inspection team',
            auditedOn: isoDay(auditedAt),
            grade,
            gradeReasons: `Demo audit graded ${grade.replaceAll('_', ' ')}`,
            criteria: themes.map((theme) => ({ theme, judgement: random.weighted(judgementsFor[grade]) })),
            referredBack,
            ...(referredBack
              ? {
                  referredOn: isoDay(auditedAt),
                  actionRequired: 'Review the case with the child’s social worker and record the plan',
                  ...(respondedAt !== null && respondedAt < end
                    ? { response: { text: 'Reviewed and plan recorded', on: isoDay(respondedAt) } }
                    : {}),
                }
              : {}),
          }
        }
      }
    }
  },
}
