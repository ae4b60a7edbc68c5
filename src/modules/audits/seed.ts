import type { SeedGenerator } from '../../platform/seed/seeder.ts'
import { londonBcus } from '../organisation/london.ts'
import { seededBcuFrom, seededBoroughsKey } from '../organisation/seed.ts'
import { caseTypes } from './case-types.ts'
import { type Grade, type Judgement, type Theme, themes } from './criteria.ts'

/*
 * Demo audits, as the DIT would run them: for each BCU, a programme a quarter over the demo year, of all nine
 * case types, its sample drawn at import by the module's own stratified sampling (case type and BCU) from the
 * demo's own records, with a stored seed; 25 cases a programme of a BCU as busy as one at scale 1, more or
 * fewer as the BCU's records are (at least one).
 * Each sampled case is audited in the month after its quarter, graded near the report's shares; a share is
 * moderated, some with a disagreement resolved; referrals back are mostly answered, some late, some not
 * (AUD-01); learning points are mostly shared in a force-wide bulletin a quarter, some left local (AUD-02).
 * Every line goes through the import kinds (audit-programme, audit-bulletin, audit), as another system's would.
 */

/** Cases a programme of a BCU at scale 1: the report's 303 over its 12 BCUs is about 25 each. */
const perProgramme = 25
/** Report, Figure 1: 93 good (31%), 127 requires improvement (42%), 83 inadequate (27%) of 303. */
const gradeShares: readonly (readonly [Grade, number])[] = [
  ['good', 31],
  ['requires_improvement', 42],
  ['inadequate', 27],
]
/** Report: 17% of the 303 referred back, as serious problems are: 17 of every 27 inadequate audits. */
const referredOfInadequate = 17 / 27
/** Plausible practice: 70% of referrals answered within the 14 days of AUD-01, 20% late, 10% not at all. */
const responseAfter = (random: Parameters<SeedGenerator['generate']>[0]['random']) =>
  random.weighted([
    [random.int(2, 13), 70],
    [random.int(15, 40), 20],
    [null, 10],
  ] as const)
/** Plausible practice: the programmes' moderation share (20%); a quarter of moderations disagree, most resolved. */
const moderationPercent = 20
const disagreeShare = 0.25
const resolvedShare = 0.8
/** Plausible practice: a learning point from 40% of the audits not graded good. */
const learningShare = 0.4
/**
 * The report: DIT assessments were shared with the local area only, and 19% of staff knew of the DIT. The
 * demo's DIT shares 70% of a quarter's learning in the next force-wide bulletin; the rest stays local (AUD-02).
 */
const sharedShare = 0.7
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
const otherGrade: Record<Grade, readonly Grade[]> = {
  good: ['requires_improvement'],
  requires_improvement: ['good', 'inadequate'],
  inadequate: ['requires_improvement'],
}
const auditor = 'Dedicated inspection team'

export const auditsSeed: SeedGenerator = {
  name: 'audits',
  *generate({ scale, random, until, shared }) {
    const boroughs = new Set((shared.get(seededBoroughsKey) as string[] | undefined) ?? [])
    if (!boroughs.size) return
    const end = until.getTime() - day
    const bcus = londonBcus.filter((bcu) => bcu.boroughs.some((b) => boroughs.has(b)))
    // The scale sets how many BCUs the demo has as well as how busy each is (0.1 is one BCU with a tenth of
    // the force's records, 1.2 BCUs' worth), so a BCU's sample follows its own share of the records: 30 cases
    // a programme at 0.1, not the 3 that a tenth of 25 gave, which left the DIT with no learning to publish.
    const perBcu = (scale * londonBcus.length) / Math.max(1, bcus.length)
    const sampleSize = Math.max(1, Math.round(perProgramme * perBcu))
    // Quarter 0 is the latest: its programme's cases are those of the quarter ending a month before the end.
    const quarters = [0, 1, 2, 3].map((q) => {
      const auditsBy = end - q * 91 * day
      const to = auditsBy - 31 * day
      return { q, auditsBy, from: isoDay(to - 90 * day), to: isoDay(to), label: `Q${4 - q}` }
    })
    // A bulletin a quarter, a fortnight after its audits, for all but the latest (not due yet).
    const bulletinOf = new Map<number, { ref: string; on: number }>()
    for (const { q, auditsBy, from, to, label } of quarters) {
      const on = auditsBy + 14 * day
      if (on > end) continue
      const ref = `ALB-DEMO-${label}`
      bulletinOf.set(q, { ref, on })
      yield {
        kind: 'audit-bulletin',
        ref,
        title: `What our audits found, ${from} to ${to}`,
        publishedOn: isoDay(on),
        publishedBy: auditor,
      }
    }
    // A BCU's programmes start with the BCU: before it, its boroughs' records lie in no BCU to sample.
    const rounds = bcus.flatMap((bcu) =>
      quarters.filter((q) => q.to >= seededBcuFrom(bcu)).map((q) => ({ bcu, ...q })),
    )
    for (const { bcu, from, to, label } of rounds)
      yield {
        kind: 'audit-programme',
        ref: `AP-DEMO-${bcu.code}-${label}`,
        name: `${bcu.name} case file audit, ${from} to ${to}`,
        caseTypes: [...caseTypes],
        bcus: [bcu.code],
        from,
        to,
        sampleSize,
        strata: 'case_type_bcu',
        seed: `demo-${bcu.code}-${from}-${random.int(1000, 9999)}`,
        moderationPercent,
      }
    for (const { bcu, q, auditsBy, label } of rounds)
      for (let position = 1; position <= sampleSize; position++) {
        const auditedAt = auditsBy - random.next() * 30 * day
        const auditorGrade = random.weighted(gradeShares)
        const moderated = random.chance(moderationPercent / 100)
        const disagrees = moderated && random.chance(disagreeShare)
        const moderatorGrade = disagrees ? random.pick(otherGrade[auditorGrade]) : auditorGrade
        const moderatedAt = Math.min(end, auditedAt + random.int(3, 10) * day)
        const resolved = disagrees && random.chance(resolvedShare)
        const grade = resolved ? random.pick([auditorGrade, moderatorGrade]) : auditorGrade
        const criteria = themes.map((theme) => ({
          theme,
          judgement: random.weighted(judgementsFor[grade]),
        }))
        const referredBack = grade === 'inadequate' && random.chance(referredOfInadequate)
        const after = responseAfter(random)
        const respondedAt = after === null ? null : auditedAt + after * day
        const failing = criteria.filter((c) => c.judgement === 'not_met' || c.judgement === 'partly_met')
        const learningTheme: Theme | null =
          grade !== 'good' && failing.length && random.chance(learningShare)
            ? random.pick(failing).theme
            : null
        const bulletin = bulletinOf.get(q)
        yield {
          kind: 'audit',
          ref: `AUD-DEMO-${bcu.code}-${label}-${String(position).padStart(3, '0')}`,
          sampled: { programme: `AP-DEMO-${bcu.code}-${label}`, position },
          auditor,
          auditedOn: isoDay(auditedAt),
          grade,
          gradeReasons: `Demo audit graded ${grade.replaceAll('_', ' ')}`,
          criteria,
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
          ...(moderated
            ? {
                moderation: {
                  moderator: 'DIT moderator',
                  on: isoDay(moderatedAt),
                  auditorGrade,
                  grade: moderatorGrade,
                  ...(disagrees ? { note: 'The evidence on file supports a different grade' } : {}),
                  ...(resolved
                    ? {
                        resolution: {
                          grade,
                          reasons: 'Agreed at the DIT moderation meeting on the evidence on file',
                          on: isoDay(moderatedAt),
                        },
                      }
                    : {}),
                },
              }
            : {}),
          learning: learningTheme
            ? [
                {
                  theme: learningTheme,
                  text: `Demo learning on ${learningTheme.replaceAll('_', ' ')} from a case in ${bcu.name}`,
                  recordedOn: isoDay(auditedAt),
                  ...(bulletin && random.chance(sharedShare) ? { sharedIn: bulletin.ref } : {}),
                },
              ]
            : [],
        }
      }
  },
}
