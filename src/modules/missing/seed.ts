import type { SeedGenerator } from '../../platform/seed/seeder.ts'
import { type SeededTeam, seededBoroughsKey, seededTeamsKey } from '../organisation/seed.ts'
import {
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
 * - misgrading (MIS-01): a fifth of episodes with two or more risk factors graded absent, signed off by a
 *   supervisor (report: children missing audits 9 good, 17 requires improvement, 9 inadequate of 35);
 * - prevention interviews (MIS-06): a quarter of absent children interviewed within 72 hours ("absent
 *   children generally do not have prevention interviews"), three quarters of the others;
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
      const child = next ?? pool.pick(children)
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
        // The grader's answers plus the record (ages are not shared: assume the youngest case, under 12).
        const suggestion = suggestMinimumGrade([...factors], {
          ageAtReport: 11,
          flags: [...(p.lookedAfter ? ['looked_after'] : []), ...(p.cse ? ['cse_risk'] : [])],
          previous,
        }).grade
        const allFactors = factors.size + (previous.last365 > 0 ? 1 : 0)
        const misgraded = allFactors >= 2 && random.chance(0.2)
        let grade: Grade = misgraded
          ? 'absent'
          : suggestion === 'absent' && random.chance(0.5)
            ? 'low'
            : suggestion
        if (!misgraded && random.chance(0.1) && gradeRank(grade) < gradeRank('high')) grade = 'high'
        const lowest = grade === 'absent'
        const reportedAt = Math.min(reported, end - 4 * hour)
        const durationHours = Math.min(24 * 14, Math.exp(random.normal(Math.log(10), 1)))
        const returned = reportedAt + durationHours * hour
        const stillMissing = returned > end - hour || random.chance(0.01)
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
          reviewDueAt: iso(reportedAt + (grade === 'high' ? 2 : grade === 'medium' ? 6 : 24) * hour),
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
          const interviewed = random.chance(lowest ? 0.25 : 0.75)
          const interviewAt = returned + (interviewed ? random.int(2, 70) : random.int(80, 200)) * hour
          if ((interviewed || random.chance(0.3)) && interviewAt < end) {
            line.preventionInterviewAt = iso(interviewAt)
            line.preventionInterviewBy = 'PC Safe and Well'
          }
          const notified = returned + random.int(1, 30) * hour
          if (random.chance(0.85) && notified < end) {
            line.laNotifiedAt = iso(notified)
            const held = returned + random.int(24, 120) * hour
            if (random.chance(0.6) && held < end) line.returnHomeInterviewAt = iso(held)
            else if (random.chance(0.3)) line.returnHomeInterviewDeclined = true
          }
        }
        yield line
      }
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
        const onDuty = unit.staff.slice(0, Math.min(wanted, unit.staff.length))
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
