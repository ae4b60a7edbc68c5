import type { SeedGenerator } from '../../platform/seed/seeder.ts'
import { addDays, addMonths } from '../../platform/time.ts'
import { type SeededTeam, seededTeamsKey } from '../organisation/seed.ts'
import { reportMadeOn, reportRecommendations } from './report-recommendations.ts'

/**
 * The demo force's action plan on the reports' recommendations (the recommendations themselves are set up
 * with the force). The report says what the plan lacked, not how it ran, so these rates are plausible
 * practice rather than the report's figures: the 2018 review found "clearly articulated time frames and
 * milestones" missing and asked for them to be "closely monitored", so the demo shows a plan that mostly
 * keeps to its milestones with a visible tail that does not:
 * - each recommendation has one or two actions, agreed two to six weeks after the report made it, each
 *   owned by a BCU's safeguarding commander (a superintendent or chief inspector);
 * - each action has two or three milestones, spread from its agreement to some months past the time frame;
 * - of the milestones already due, 90% have evidence by their day, 5% late and 5% none (REC-01 raises on
 *   those, and the tracker shows them red); milestones still to come have none yet;
 * - an action whose milestones all have evidence is marked complete on the day of the last, nineteen
 *   times in twenty (the rest are done but not yet marked, so their recommendation's time frame stays open).
 * So about half the recommendations raise REC-01 on a demo dated years after the reports.
 * Nothing is dated after the demo's last day.
 */
const onTime = 0.9
const late = 0.05
const markedComplete = 0.95

// What a force's plan on a recommendation is made of: a lead and a plan, the change itself, and checking it took.
const actionTitles = [
  'Agree a lead and a delivery plan with the safeguarding board',
  'Brief and train the officers and supervisors the recommendation concerns',
  'Dip-sample cases each month and report the results to the BCU commanders',
]
const milestoneTitles = [
  'Plan agreed and owners named',
  'Briefing delivered in every BCU',
  'First monthly dip sample reported',
]

const evidenceOf = (ref: string, n: number, evidenceOn: string) => ({
  kind: 'document' as const,
  reference: `MPS/CP/${ref}/${String(n).padStart(2, '0')}`,
  description: 'Minutes of the safeguarding board that reviewed it',
  evidenceOn,
})

/**
 * R2018-01 asks the force to "continue to implement" the 2016 recommendations and to review "the
 * effectiveness of its improvement activities": work that does not end. Each BCU's commanders keep it as a
 * plan a calendar quarter, each milestone a meeting held or a dip sample reported, its minutes the evidence:
 * - the superintendent chairs a weekly drift review of the BCU's open child protection cases (the report's
 *   supervision that did not challenge drift);
 * - each chief inspector reports a monthly dip sample of the practice the 2016 recommendations asked for.
 * Plausible practice, not the report's figures: of the meetings already due, 85% are minuted on the day, 5%
 * late and 10% never (REC-01 raises on those); a quarter's plan is marked complete on its last minutes once
 * all are in. So a commander's My work holds the coming week's or month's meeting and the ones that slipped.
 */
const assuranceOnTime = 0.85
const assuranceLate = 0.05

function* assurancePlans(
  random: Parameters<SeedGenerator['generate']>[0]['random'],
  commandTeams: readonly SeededTeam[],
  from: string,
  lastDay: string,
) {
  // Calendar quarters from the one holding the demo's first day to the one holding its last, none before
  // the 2018 report made R2018-01 (a demo of 2018 has none).
  const quarters: string[] = []
  for (let q = `${from.slice(0, 4)}-${quarterMonth(from)}-01`; q <= lastDay; q = addMonths(q, 3))
    if (q >= (reportMadeOn[2018] as string)) quarters.push(q)
  for (const team of commandTeams)
    for (const [n, member] of team.staff.entries()) {
      const weekly = member.rank === 'superintendent'
      for (const start of quarters) {
        const end = addDays(addMonths(start, 3), -1)
        const dueDays = weekly
          ? Array.from({ length: 14 }, (_, i) => addDays(start, 7 * i + 6)).filter((d) => d <= end)
          : [1, 2, 3].map((m) => addDays(addMonths(start, m), -1))
        const milestones = dueDays.map((dueOn) => {
          const roll = random.next()
          const evidenceOn =
            roll < assuranceOnTime
              ? dueOn
              : roll < assuranceOnTime + assuranceLate
                ? addDays(dueOn, random.int(2, 14))
                : undefined
          const has = evidenceOn !== undefined && evidenceOn <= lastDay
          return {
            title: weekly
              ? `Drift review, week ending ${dueOn}`
              : `Dip sample reported, month ending ${dueOn}`,
            dueOn,
            ...(has
              ? {
                  evidence: [
                    {
                      kind: 'document' as const,
                      reference: `MPS/CP/${team.ref}/${dueOn}/${n + 1}`,
                      description: weekly
                        ? 'Minutes of the drift review'
                        : 'Dip sample report to the BCU commanders',
                      evidenceOn,
                    },
                  ],
                }
              : {}),
          }
        })
        const evidenced = milestones.flatMap((m) => m.evidence?.map((e) => e.evidenceOn) ?? [])
        yield {
          kind: 'recommendation-action',
          ref: `R2018-01-${member.ref}-${start}`,
          recommendation: 'R2018-01',
          title: weekly
            ? `Chair a weekly drift review of the BCU’s open child protection cases, quarter from ${start}`
            : `Report a monthly dip sample of the practice the 2016 recommendations asked for, quarter from ${start}`,
          owner: member.ref,
          agreedOn: start,
          milestones,
          ...(evidenced.length === milestones.length && end <= lastDay
            ? { completedOn: evidenced.sort().at(-1) }
            : {}),
        }
      }
    }
}

/** The first month of the calendar quarter holding a day, two digits. */
const quarterMonth = (day: string) =>
  String(Math.floor((Number(day.slice(5, 7)) - 1) / 3) * 3 + 1).padStart(2, '0')

export const recommendationsSeed: SeedGenerator = {
  name: 'recommendations',
  *generate({ random, from, until, shared }) {
    const lastDay = until.toISOString().slice(0, 10)
    // The BCUs' safeguarding commanders own the plan's actions (so a lead's My work holds the milestones
    // that slipped); a force with no command team gives them to its inspectors and above.
    const teams = (shared.get(seededTeamsKey) as SeededTeam[] | undefined) ?? []
    const commanders = teams.filter((t) => t.kind === 'command').flatMap((t) => t.staff)
    const owners = (commanders.length ? commanders : teams.flatMap((t) => t.staff))
      .filter((s) => s.rank !== 'constable' && s.rank !== 'sergeant')
      .map((s) => s.ref)
    if (!owners.length) return
    for (const rec of reportRecommendations) {
      const madeOn = reportMadeOn[Number(rec.ref.slice(1, 5))] as string
      const actions = random.int(1, 2)
      for (let a = 1; a <= actions; a++) {
        const agreedOn = addDays(madeOn, random.int(14, 42))
        if (agreedOn > lastDay) continue
        const milestones = []
        const evidenceDates: string[] = []
        const count = random.int(2, 3)
        for (let m = 1; m <= count; m++) {
          const dueOn = addMonths(agreedOn, m * random.int(2, 5))
          const roll = random.next()
          const evidenceOn =
            roll < onTime
              ? addDays(dueOn, -random.int(0, 20))
              : roll < onTime + late
                ? addDays(dueOn, random.int(5, 60))
                : undefined
          const has = dueOn <= lastDay && evidenceOn !== undefined && evidenceOn <= lastDay
          if (has) evidenceDates.push(evidenceOn)
          milestones.push({
            title: milestoneTitles[m - 1] as string,
            dueOn,
            ...(has ? { evidence: [evidenceOf(`${rec.ref}-${a}`, m, evidenceOn)] } : {}),
          })
        }
        const allMet = evidenceDates.length === count
        yield {
          kind: 'recommendation-action',
          ref: `${rec.ref}-A${a}`,
          recommendation: rec.ref,
          title: actionTitles[a - 1] as string,
          owner: random.pick(owners),
          agreedOn,
          milestones,
          ...(allMet && random.chance(markedComplete) ? { completedOn: evidenceDates.sort().at(-1) } : {}),
        }
      }
    }
    yield* assurancePlans(
      random,
      teams.filter((t) => t.kind === 'command'),
      from.toISOString().slice(0, 10),
      lastDay,
    )
  },
}
