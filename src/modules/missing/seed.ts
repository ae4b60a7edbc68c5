import type { SeedGenerator } from '../../platform/seed/seeder.ts'
import { ageOn } from '../../platform/time.ts'
import { londonBcus } from '../organisation/london.ts'
import { type SeededTeam, seededBoroughsKey, seededTeamsKey } from '../organisation/seed.ts'
import {
  olderChildren,
  type SeededChild,
  type SeededPac,
  seededChildrenKey,
  seededPacsByChildKey,
} from '../referrals/seed.ts'
import { type Grade, gradeRank, type RiskFactor, suggestMinimumGrade } from './grading.ts'

/**
 * A year of missing episodes. The report gives no yearly count; it says one missing persons unit had 77
 * missing people, 57 of them children, on the day of the visit with three staff. Scale 1 assumes about
 * 12,000 episodes of missing children a year across London (an estimate of the order of the published
 * national missing persons data for the Met, not a figure from the report).
 *
 * Practice at the report's rates, or a stated estimate:
 * - repeat missing is concentrated in a minority: 70% of children go missing once, 20% two to four times,
 *   10% frequently (five to twenty times); looked-after children are a third of missing children and often
 *   placed in another borough (report: the absent category used "predominantly for children who were in the
 *   care of either the local authority or foster parents");
 * - grading: children with no risk factor are graded absent 75% of the time and with one 30%, as the force's
 *   practice was (report: absent used "predominantly for children who were in the care of either the local
 *   authority or foster parents"); misgrading (MIS-01): 4% of episodes with two or more risk factors (the
 *   child's age and history counted, as the import counts them) graded absent, so that a third or so of
 *   absent gradings raise MIS-01 (47 of 128 at scale 0.1, seed 2018; plausible practice: the report names
 *   the failing without a figure, and absent was the grading of children with some risk in it); a
 *   third of those are raised on review (met late);
 * - share of episodes with any breach: target 60-88% (report Figure 1: children missing 26 of 35 cases
 *   not good, 74%), from the rates below;
 * - risk reviews (MIS-05): each review time set is met by a review on time 90% of the time (plausible
 *   practice), each review setting the next while the child is out;
 * - return home interviews (MIS-07): the local authority told within the day for 92% of returns, the
 *   interview held within 72 hours for 60% of those told, declined by 15% (plausible practice: the DfE
 *   guidance's 72 hours is often missed);
 * - ages: the children are the referrals generator's older children (11 or more); a child's own age drives
 *   the grading (under 12 is a risk factor);
 * - still missing: only children whose episode is genuinely under way at the end (up to a fortnight), and a
 *   live day at the end: the busiest unit has a dozen children out now with one member of staff on duty
 *   (MIS-11, the report's "77 missing people that day ... Three staff were on duty");
 * - prevention interviews (MIS-06): a quarter of absent children interviewed within 72 hours ("absent
 *   children generally do not have prevention interviews"), 85% of the others (plausible practice);
 * - trigger plans (MIS-03, MIS-10): 109 live plans force-wide at scale 1 ("there were 109 'live' trigger
 *   plans"), for frequent missers, none in Sutton, Tower Hamlets, Brent and Hackney ("did not have any plans");
 * - plan acknowledged on a new episode (MIS-04) only 40% of the time (staff "had not heard of them");
 * - Merlin (MIS-09): the report expects every missing episode on Merlin. Episodes follow the referrals
 *   generator's PACs about missing episodes (reported when the PAC was made, and linked then) for the children
 *   they name; one in ten such links is never made (estimate), and the episodes beyond the PACs (about a
 *   fifth at the referrals generator's volumes) have none;
 * - staff on duty (MIS-11): each BCU's missing persons unit works weekdays (the 5-day pattern) with usually
 *   three on duty, as in the unit the report visited ("77 missing people that day and 57 of them were
 *   children. Three staff were on duty"), sometimes two or one (estimate); the weekend carries Friday's count.
 */
export const episodesPerYearAtScale1 = 12_000
export const livePlansAtScale1 = 109
const boroughsWithoutPlans = ['Sutton', 'Tower Hamlets', 'Brent', 'Hackney']

const hour = 3_600_000
const iso = (ms: number) => new Date(ms).toISOString()
const places = [
  'Croydon town centre',
  'A friend’s flat',
  'Brixton station',
  'A park',
  'An older male’s address',
  'Westfield Stratford',
]
/** Hours to the next risk review by grade (plausible practice: the higher the risk, the sooner). */
const reviewEvery = (grade: Grade) => (grade === 'high' ? 2 : grade === 'medium' ? 6 : 24)
const reasons = ['Known to be with a friend', 'Returns by herself every time', 'Carer says not unusual']

export const missingSeed: SeedGenerator = {
  name: 'missing',
  *generate({ scale, random, from, until, shared }) {
    const children = (shared.get(seededChildrenKey) as SeededChild[] | undefined) ?? []
    const boroughs = (shared.get(seededBoroughsKey) as string[] | undefined) ?? [
      ...new Set(children.map((c) => c.borough)),
    ]
    if (children.length === 0 || boroughs.length === 0) return
    const target = Math.max(1, Math.round(episodesPerYearAtScale1 * scale))
    const start = from.getTime()
    const end = until.getTime()
    // At a small scale none of the four boroughs may be present: the last borough stands in for them.
    let noPlans = boroughs.filter((b) => boroughsWithoutPlans.includes(b))
    if (noPlans.length === 0 && boroughs.length > 1) noPlans = [boroughs[boroughs.length - 1] as string]

    // The children with PACs about missing episodes go missing first, once per PAC, reported when it was made.
    const pacsOf = new Map<string, number[]>()
    const pacRefAt = new Map<string, string>()
    for (const pac of (shared.get(seededPacsByChildKey) as SeededPac[] | undefined) ?? []) {
      const at = Date.parse(pac.createdAt)
      if (pac.about !== 'missing_episode' || at < start || at > end - 4 * hour) continue
      pacsOf.set(pac.child, [...(pacsOf.get(pac.child) ?? []), at])
      pacRefAt.set(`${pac.child}@${at}`, pac.ref)
    }
    const byRef = new Map(children.map((c) => [c.ref, c]))
    const withPacs = [...pacsOf.keys()].flatMap((ref) => byRef.get(ref) ?? [])

    const pool = random.fork('pool')
    const older = olderChildren(children, until)
    const picked: {
      child: SeededChild
      episodes: number
      lookedAfter: boolean
      home: string
      cse: boolean
      /** When each PAC about the child's missing was made: an episode each. */
      pacTimes: number[]
    }[] = []
    let total = 0
    const used = new Set<string>()
    while (total < target && used.size < children.length) {
      const next = withPacs[used.size]
      const child = next ?? pool.pick(older)
      if (used.has(child.ref)) continue
      used.add(child.ref)
      const pacTimes = next ? [...(pacsOf.get(child.ref) ?? [])].sort((a, b) => a - b) : []
      const episodes = next
        ? pacTimes.length
        : pool.weighted<number>([
            [1, 70],
            [pool.int(2, 4), 20],
            [pool.int(5, 20), 10],
          ])
      const lookedAfter = pool.chance(episodes > 1 ? 0.5 : 0.25)
      // Looked-after children are often placed far from home: missing from another borough.
      const home = lookedAfter && pool.chance(0.6) ? pool.pick(boroughs) : child.borough
      picked.push({
        child,
        episodes,
        lookedAfter,
        home,
        cse: pool.chance(episodes > 4 ? 0.4 : 0.08),
        pacTimes,
      })
      total += episodes
      if (lookedAfter)
        yield {
          kind: 'person-flag',
          ref: `MISF-LAC-${child.ref}`,
          person: child.ref,
          flag: 'looked_after',
          from: iso(start - 400 * 24 * hour).slice(0, 10),
        }
    }

    // Trigger plans for the frequent missers, outside the boroughs that had none.
    const planCount = Math.max(1, Math.round(livePlansAtScale1 * scale))
    const planned = new Set<string>()
    for (const p of [...picked].sort((a, b) => b.episodes - a.episodes)) {
      if (planned.size >= planCount || p.episodes < 3) break
      if (noPlans.includes(p.home)) continue
      planned.add(p.child.ref)
      yield {
        kind: 'trigger-plan',
        ref: `TP-SEED-${planned.size}`,
        child: p.child.ref,
        borough: p.home,
        placesToSearch: `${random.pick(places)}; ${random.pick(places)}`,
        peopleToContact: 'Carer; allocated social worker; school safeguarding lead',
        risks: p.cse ? 'Exploitation by older associates' : 'Goes to unsafe addresses at night',
        authorName: 'DC Missing',
        agreedWith: random.chance(0.7) ? ['carers', 'social_worker'] : ['carers'],
        startDate: iso(start + random.int(0, 120) * 24 * hour).slice(0, 10),
        reviewDate: iso(end + 90 * 24 * hour).slice(0, 10),
      }
    }

    /**
     * The reviews of an episode while the child is out: each review time met on time 90% of the time (a
     * late one 1 to 10 hours after), each setting the next. A misgraded episode is raised to medium at its
     * first review a third of the time (MIS-01 met late).
     */
    const reviewer = random.fork('reviews')
    function* reviews(ref: string, grade: Grade, misgraded: boolean, reportedAt: number, outUntil: number) {
      let due = reportedAt + reviewEvery(grade) * hour
      let current = grade
      for (let k = 1; due < outUntil && due < end && k <= 40; k++) {
        const held = reviewer.chance(0.9)
          ? Math.max(reportedAt + 60_000, due - reviewer.int(0, 60) * 60_000)
          : due + reviewer.int(60, 600) * 60_000
        if (held >= outUntil || held >= end) return
        if (k === 1 && misgraded && reviewer.chance(1 / 3)) current = 'medium'
        const next = held + reviewEvery(current) * hour
        yield {
          kind: 'missing-review',
          ref: `${ref}-R${k}`,
          episode: ref,
          reviewedAt: iso(held),
          reviewerName: 'Insp Duty',
          grade: current,
          reason:
            current === grade ? 'Still missing; grading unchanged' : 'Two risk factors: missing, not absent',
          nextReviewDueAt: iso(next),
        }
        due = next
      }
    }

    const bcuOf = (borough: string) => londonBcus.find((b) => b.boroughs.includes(borough))?.code ?? ''
    const out = new Set<string>()
    const episodesInBcu = new Map<string, number>()
    let n = 0
    for (const p of picked) {
      const times = p.pacTimes.length
        ? p.pacTimes
        : Array.from({ length: p.episodes }, () => start + random.next() * (end - start - 6 * hour)).sort(
            (a, b) => a - b,
          )
      const earlier: number[] = []
      for (const reported of times) {
        n++
        const ref = `MIS-SEED-${n}`
        const factors = new Set<RiskFactor>()
        if (p.lookedAfter) factors.add('looked_after')
        if (p.cse) factors.add('cse_cce_indicators')
        for (const f of [
          'drugs_alcohol',
          'conflict_at_home',
          'mental_health',
          'victim_of_crime',
          'known_associates',
        ] as const)
          if (random.chance(0.12)) factors.add(f)
        if (random.chance(0.02)) factors.add('suicide_self_harm')
        const previous = {
          last30: earlier.filter((t) => t > reported - 30 * 24 * hour).length,
          last90: earlier.filter((t) => t > reported - 90 * 24 * hour).length,
          last365: earlier.filter((t) => t > reported - 365 * 24 * hour).length,
        }
        earlier.push(reported)
        // The grader's answers plus the record, as the import counts them (age, flags, earlier episodes).
        const age = p.child.born ? ageOn(p.child.born, iso(reported).slice(0, 10)) : 14
        const suggested = suggestMinimumGrade([...factors], {
          ageAtReport: age,
          flags: [...(p.lookedAfter ? ['looked_after'] : []), ...(p.cse ? ['cse_risk'] : [])],
          previous,
        })
        const suggestion = suggested.grade
        const misgraded = suggested.factors.length >= 2 && random.chance(0.04)
        // Absent where nothing or one thing points to risk: 75% of those with none, 30% with one (a
        // looked-after child "absent" from placement, the practice the report describes).
        let grade: Grade = misgraded
          ? 'absent'
          : suggestion === 'absent'
            ? random.chance(0.75)
              ? 'absent'
              : 'low'
            : suggestion === 'low' && random.chance(0.3)
              ? 'absent'
              : suggestion
        if (!misgraded && random.chance(0.1) && gradeRank(grade) < gradeRank('high')) grade = 'high'
        const lowest = grade === 'absent'
        const reportedAt = Math.min(reported, end - 4 * hour)
        const durationHours = Math.min(24 * 14, Math.exp(random.normal(Math.log(10), 1)))
        const returned = reportedAt + durationHours * hour
        const stillMissing = returned > end - hour
        const line: Record<string, unknown> = {
          kind: 'missing-episode',
          ref,
          child: p.child.ref,
          borough: p.home,
          reportedAt: iso(reportedAt),
          reportedByKind: p.lookedAfter
            ? random.pick(['carer', 'childrens_home'])
            : random.pick(['parent', 'parent', 'school', 'other']),
          lastSeenAt: iso(reportedAt - random.int(1, 8) * hour),
          lastSeenPlace: p.lookedAfter ? 'Placement' : 'Home',
          circumstances: random.pick([
            'Did not return from school',
            'Left after an argument',
            'Did not come home at curfew',
          ]),
          grade,
          riskFactors: [...factors],
          gradedBy: 'PC Control Room',
          reviewDueAt: iso(reportedAt + reviewEvery(grade) * hour),
        }
        // Every lowest grading is signed off: the supervisor's reason is recorded, whatever the suggestion.
        if (lowest) {
          line.supervisorName = 'PS Control Room'
          line.belowSuggestionReason = random.pick(reasons)
        }
        // The child's own Merlin report, linked as the episode is reported; one in ten never linked.
        const pac = pacRefAt.get(`${p.child.ref}@${reported}`)
        if (pac && reportedAt === reported && random.chance(0.9)) {
          line.pac = pac
          line.pacLinkedAt = iso(reportedAt)
        }
        if (planned.has(p.child.ref) && random.chance(0.4))
          line.planAcknowledgedAt = iso(reportedAt + random.int(5, 50) * 60_000)
        if (!stillMissing) {
          Object.assign(line, {
            returnedAt: iso(returned),
            foundPlace: random.pick(places),
            foundBy: random.chance(0.5) ? 'Returned by themselves' : 'PC Search',
            ...(random.chance(0.4)
              ? { foundWith: random.pick(['Friends', 'Older males', 'A relative']) }
              : {}),
          })
          const interviewed = random.chance(lowest ? 0.25 : 0.85)
          const interviewAt = returned + (interviewed ? random.int(2, 70) : random.int(80, 200)) * hour
          if ((interviewed || random.chance(0.3)) && interviewAt < end) {
            line.preventionInterviewAt = iso(interviewAt)
            line.preventionInterviewBy = 'PC Safe and Well'
          }
          const notified = returned + random.int(1, 20) * hour
          if (random.chance(0.92) && notified < end) {
            line.laNotifiedAt = iso(notified)
            const roll = random.next()
            const held = returned + (roll < 0.6 ? random.int(24, 70) : random.int(74, 200)) * hour
            if (roll >= 0.6 && roll < 0.75) line.returnHomeInterviewDeclined = true
            else if (held < end) line.returnHomeInterviewAt = iso(held)
          }
        }
        yield line
        yield* reviews(ref, grade, misgraded, reportedAt, stillMissing ? end : returned)
        if (stillMissing) out.add(p.child.ref)
        episodesInBcu.set(bcuOf(p.home), (episodesInBcu.get(bcuOf(p.home)) ?? 0) + 1)
      }
    }

    // The live day: the busiest BCU's unit has a dozen children out now, reported over the last 30 hours,
    // with one member of staff on its last duty (MIS-11; the demo opens with children missing now).
    const busiest = [...episodesInBcu].sort((a, b) => b[1] - a[1])[0]?.[0]
    const surgeBoroughs = boroughs.filter((b) => bcuOf(b) === busiest)
    const surgeChildren = older.filter((c) => surgeBoroughs.includes(c.borough) && !out.has(c.ref))
    const live = random.fork('live')
    for (let k = 0; busiest && k < 12 && k < surgeChildren.length; k++) {
      const child = surgeChildren[k] as SeededChild
      n++
      const ref = `MIS-SEED-${n}`
      const reportedAt = end - live.int(60, 30 * 60) * 60_000
      const age = child.born ? ageOn(child.born, iso(reportedAt).slice(0, 10)) : 14
      const factors: RiskFactor[] = live.chance(0.5) ? ['known_associates'] : ['conflict_at_home']
      const grade = suggestMinimumGrade(factors, {
        ageAtReport: age,
        flags: [],
        previous: { last30: 0, last90: 0, last365: 0 },
      }).grade
      yield {
        kind: 'missing-episode',
        ref,
        child: child.ref,
        borough: child.borough,
        reportedAt: iso(reportedAt),
        reportedByKind: live.pick(['parent', 'school', 'carer']),
        lastSeenAt: iso(reportedAt - live.int(1, 6) * hour),
        lastSeenPlace: 'Home',
        circumstances: 'Did not come home at curfew',
        grade,
        riskFactors: factors,
        gradedBy: 'PC Control Room',
        reviewDueAt: iso(reportedAt + reviewEvery(grade) * hour),
      }
      yield* reviews(ref, grade, false, reportedAt, end)
    }

    // Staff on duty in each BCU's missing persons unit, from 08:00 UTC each weekday.
    const units = ((shared.get(seededTeamsKey) as SeededTeam[] | undefined) ?? []).filter(
      (t) => t.kind === 'missing_persons_unit',
    )
    const duty = random.fork('duty')
    for (const unit of units) {
      for (let day = Math.ceil(start / (24 * hour)) * 24 * hour; day < end - 8 * hour; day += 24 * hour) {
        const weekday = new Date(day).getUTCDay()
        if (weekday === 0 || weekday === 6) continue
        const from = day + 8 * hour
        const wanted = duty.weighted<number>([
          [3, 65],
          [2, 25],
          [1, 10],
        ])
        // The busiest unit's last duty before the end is one member of staff (the live day, above).
        const lastDay =
          day + 24 * hour >= end - 8 * hour || (weekday === 5 && day + 3 * 24 * hour >= end - 8 * hour)
        const onDuty = unit.staff.slice(
          0,
          Math.min(unit.bcu === busiest && lastDay ? 1 : wanted, unit.staff.length),
        )
        yield {
          kind: 'missing-unit-duty',
          ref: `DUTY-SEED-${unit.ref}-${iso(from).slice(0, 10)}`,
          unit: unit.ref,
          from: iso(from),
          staffOnDuty: onDuty.length,
          ...(onDuty.length ? { names: onDuty.map((s) => s.ref).join(', ') } : {}),
        }
      }
    }
  },
}
