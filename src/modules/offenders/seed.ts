import type { Random } from '../../platform/seed/random.ts'
import type { SeedGenerator } from '../../platform/seed/seeder.ts'
import { londonDate } from '../../platform/time.ts'
import { londonBcus } from '../organisation/london.ts'
import { type SeededTeam, seededBoroughsKey, seededTeamsKey } from '../organisation/seed.ts'
import { type NotificationKind, type RiskLevel, type RsoStatus, riskLevels } from './rso.ts'

/**
 * Registered sex offenders and a year of what their offender managers keep, written through the import path
 * as `staff`, `person` and the offenders kinds, at the report's figures where it gives them:
 * - 6,199 active RSOs in the community at scale 1 ("Officers are now managing 6,199 active RSOs"), spread over
 *   the seeded boroughs, each BCU's managed by its Jigsaw team;
 * - caseloads: "in five areas there are more than 100 offenders to manage per offender manager" (5 of the 12
 *   BCUs at scale 1, at least one at any scale), about 60 each elsewhere ("50 and 60 offenders each" in 2016).
 *   The organisation generator staffs each Jigsaw team with a handful of constables; a BCU that needs more
 *   managers for its caseloads gets them here (`staff` lines in its Jigsaw team);
 * - ARMS: "a significant improvement in the levels of ARMS assessments completed" (2017), yet annual reviews
 *   are "health checks" and not redone on new information ("frequently not happening"): 82% of active RSOs
 *   assessed within the year (estimate); after new information or a risk change, a new ARMS within 28 days
 *   in 30% of cases and later in 25% (estimates for "frequently not");
 * - plans: "many risk management plans that were out of date": a plan agreed after the latest assessment in
 *   65% of cases (so about a third out of date; estimate);
 * - visits: "reduce the delays in visiting registered sex offenders": two in five visiting intervals overrun
 *   (by up to the interval again), more than half for low risk ("generally managed reactively"), at RSO-04's
 *   default intervals, so about a quarter of active RSOs are overdue a visit at the end of the year (estimates);
 * - children: a minority (6%, estimate) stay at a household with a child and notify it, or are found with
 *   children at a visit; social care told within a day in 60% of cases, late in 25% (up to the report's 29
 *   days), never in 15% (estimates for "not proactively sharing information").
 *
 * Risk levels (45% low, 33% medium, 18% high, 4% very high), statuses besides active, notification bases and
 * the rest are illustrative estimates: the report gives none.
 *
 * The rules judge each duty from the day notification began, so an RSO registered before the demo year
 * arrives with the history that keeps it in date: ARMS assessments within a year of each other and the
 * initial and yearly notifications since registration, and home visits within their level's interval (at
 * the level they start the year with; a rise in the year judges the earlier gaps by the new one), all
 * before the seeded year. The rates above are the year's; the history before it is in date, so what the
 * rules find is the year's practice: about a fifth of active RSOs with an ARMS out of date (RSO-01), a
 * few percent a yearly notification late or missed (RSO-07), and most an overrun visiting interval in the
 * year (RSO-04). That history is most of the generator's lines (about 21,500 of 29,200 at scale 0.1).
 */
export const activeRsosAtScale1 = 6199

/** What this generator shares: each RSO's ref, person, borough, manager and level at the end of the year. */
export const seededRsosKey = 'offenders:rsos'
export interface SeededRso {
  ref: string
  person: string
  borough: string
  /** The offender manager's staff number; null for an RSO whose notification ended or who died. */
  manager: string | null
  status: RsoStatus
  riskLevel: RiskLevel
}

/** The report's "more than 100 offenders ... per offender manager" areas, out of 12 BCUs. */
const stretchedAreas = { of: 12, areas: 5 }
/** Typical caseloads: more than 100 in a stretched area, 50 to 60 elsewhere (the 2016 figure, a little more). */
const caseloadAround = { stretched: [96, 130], usual: [45, 75] } as const

const rates = {
  risk: [
    ['low', 45],
    ['medium', 33],
    ['high', 18],
    ['very_high', 4],
  ] as const,
  /** Besides the active RSOs, as shares of them (estimates). */
  otherStatuses: [
    ['in_custody', 0.13],
    ['abroad', 0.01],
    ['ended', 0.025],
    ['deceased', 0.005],
  ] as const,
  armsInDate: 0.82,
  information: 0.08,
  riskChange: 0.05,
  armsAfterNews: 0.3,
  armsAfterNewsLate: 0.25,
  planAfterLatestArms: 0.65,
  planAfterEarlierArms: 0.9,
  planAfterRiskChange: 0.3,
  visitLate: { very_high: 0.35, high: 0.4, medium: 0.4, low: 0.55 } as Record<RiskLevel, number>,
  unannounced: { very_high: 0.5, high: 0.5, medium: 0.35, low: 0.2 } as Record<RiskLevel, number>,
  periodicLate: 0.03,
  periodicMissed: 0.01,
  changeOfDetails: 0.12,
  travelAbroad: 0.06,
  bankAccount: 0.05,
  childAccess: 0.06,
  childrenPresentOtherwise: 0.004,
  referral: [
    ['within_a_day', 60],
    ['late', 25],
    ['never', 15],
  ] as const,
  shpo: 0.35,
}

/** RSO-04's default intervals in days (months of about 30.4 days). */
const visitDays: Record<RiskLevel, number> = { very_high: 30, high: 91, medium: 182, low: 365 }

const day = 86_400_000
const iso = (ms: number) => new Date(ms).toISOString()
const isoDay = (ms: number) => iso(ms).slice(0, 10)

const givenNames = [
  'John',
  'David',
  'Paul',
  'Mark',
  'Michael',
  'Peter',
  'Gary',
  'Stephen',
  'Kevin',
  'Anthony',
  'Daniel',
  'Mohammed',
  'Adebayo',
  'Tomasz',
  'Lee',
  'Craig',
  'Ryan',
  'Wayne',
  'Susan',
  'Karen',
]
const familyNames = [
  'Smith',
  'Jones',
  'Taylor',
  'Brown',
  'Wilson',
  'Evans',
  'Thomas',
  'Roberts',
  'Walker',
  'Wright',
  'Hall',
  'Green',
  'Wood',
  'Okonkwo',
  'Kowalski',
  'Hussain',
  'Murphy',
  'Campbell',
  'Stewart',
  'Clarke',
]
const streets = [
  'Acre Lane',
  'High Street',
  'Church Road',
  'Station Road',
  'Park Avenue',
  'Victoria Road',
  'Green Lane',
  'Manor Road',
  'Kings Road',
  'Mill Lane',
]
const offences = [
  'Sexual assault of a child under 13',
  'Making indecent photographs of a child',
  'Possession of indecent images of children',
  'Sexual activity with a child',
  'Rape',
  'Sexual assault',
  'Exposure',
  'Voyeurism',
  'Meeting a child following sexual grooming',
  'Causing or inciting a child to engage in sexual activity',
]
const courts = [
  'Inner London Crown Court',
  'Southwark Crown Court',
  'Snaresbrook Crown Court',
  'Wood Green Crown Court',
  'Croydon Crown Court',
  'Isleworth Crown Court',
  'Harrow Crown Court',
  'Woolwich Crown Court',
  'Westminster Magistrates’ Court',
]
const conditions = [
  'No unsupervised contact with children under 16',
  'Not to use any device capable of accessing the internet unless it can be inspected',
  'Not to enter any park, playground or swimming pool where children are present',
  'To notify the police of any relationship with a person who has parental responsibility for a child',
]
const keyFactors = [
  'Sexual preoccupation',
  'Emotional congruence with children',
  'Offence-related sexual interests',
  'Lack of emotional intimacy with adults',
  'Poor self-management',
  'Pro-offending attitudes',
  'Social influences',
  'Commitment to desist',
  'Stable accommodation and employment',
]
const sources = [
  'Partner’s report',
  'Arrest for another offence',
  'Children’s social care',
  'Probation',
  'Neighbourhood officer',
  'Anonymous information',
]
const news = [
  'Reported to be in a new relationship with a mother of young children',
  'Seen waiting outside a primary school at home time',
  'Arrested on suspicion of breaching the SHPO',
  'Moved in with a relative; household includes a teenager',
  'Probation report of deteriorating mental health',
  'Found with an unregistered phone',
]

/** A Jigsaw team with the boroughs its BCU covers and the constables the organisation generator gave it. */
export interface JigsawArea {
  team: string
  bcu: string
  boroughs: string[]
  constables: string[]
}

/** One BCU's offender managers and how many active RSOs each holds. */
export interface AreaCaseloads {
  area: JigsawArea
  stretched: boolean
  managers: { ref: string; caseload: number; added: boolean }[]
}

/**
 * Shares out `total` active RSOs among the areas and their managers (a pure plan: the generator writes it).
 * The stretched areas' managers each hold 96 to 130, the others 45 to 75; an area with too few constables
 * for its caseloads gets more managers (refs from `newRef`), and an area with more constables than the plan
 * needs leaves the later ones (by staff number) without a caseload.
 */
export function planCaseloads(
  areas: readonly JigsawArea[],
  total: number,
  random: Random,
  newRef: () => string,
): AreaCaseloads[] {
  if (areas.length === 0) return []
  const stretchedCount = Math.max(1, Math.round((areas.length * stretchedAreas.areas) / stretchedAreas.of))
  const order = shuffle(
    random,
    areas.map((_, i) => i),
  )
  const stretched = new Set(order.slice(0, stretchedCount))
  const boroughCount = areas.reduce((n, a) => n + a.boroughs.length, 0)
  const fair = areas.map((a) => (total * a.boroughs.length) / boroughCount)
  const mid = (range: readonly [number, number]) => (range[0] + range[1]) / 2
  const counts = new Array<number>(areas.length).fill(0)
  const managerCounts = new Array<number>(areas.length).fill(0)
  const allStretched = stretched.size === areas.length
  let left = total
  // The stretched areas first (unless every area is one): each of their managers holds more than 100,
  // whatever the area's fair share; the other areas share what is left.
  if (!allStretched)
    for (const i of stretched) {
      const needed = Math.max(1, Math.round((fair[i] as number) / mid(caseloadAround.stretched)))
      const managers = Math.max(needed, (areas[i] as JigsawArea).constables.length)
      let n = 0
      for (let m = 0; m < managers; m++) n += random.int(101, caseloadAround.stretched[1])
      counts[i] = Math.min(n, left)
      managerCounts[i] = managers
      left -= counts[i] as number
    }
  const rest = areas.map((_, i) => i).filter((i) => allStretched || !stretched.has(i))
  const restCounts = apportion(
    left,
    rest.map((i) => fair[i] as number),
  )
  rest.forEach((i, k) => {
    const n = restCounts[k] as number
    counts[i] = n
    const around = stretched.has(i) ? caseloadAround.stretched : caseloadAround.usual
    managerCounts[i] = Math.max(1, Math.round(n / mid(around)))
    // An area already staffed beyond that shares its RSOs among all its constables (but not below 45 each).
    const constables = (areas[i] as JigsawArea).constables.length
    if (!stretched.has(i) && constables > (managerCounts[i] as number))
      managerCounts[i] = Math.max(
        managerCounts[i] as number,
        Math.min(constables, Math.floor(n / caseloadAround.usual[0])),
      )
  })
  return areas.map((area, i) => {
    const m = managerCounts[i] as number
    const refs = area.constables.slice(0, m).map((ref) => ({ ref, added: false }))
    while (refs.length < m) refs.push({ ref: newRef(), added: true })
    const spread = stretched.has(i) ? [0.9, 1.15] : [0.78, 1.25]
    const weights = refs.map(
      () => (spread[0] as number) + random.next() * ((spread[1] as number) - (spread[0] as number)),
    )
    const loads = apportion(counts[i] as number, weights)
    return {
      area,
      stretched: stretched.has(i),
      managers: refs.map((r, k) => ({ ...r, caseload: loads[k] as number })),
    }
  })
}

/** Whole numbers in proportion to the weights, summing to `total` (largest remainders). */
export function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0)
  if (weights.length === 0) return []
  if (sum <= 0) return weights.map((_, i) => (i === 0 ? total : 0))
  const exact = weights.map((w) => (total * w) / sum)
  const out = exact.map(Math.floor)
  let short = total - out.reduce((a, b) => a + b, 0)
  const byRemainder = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0])
  for (const [, i] of byRemainder) {
    if (short <= 0) break
    out[i] = (out[i] as number) + 1
    short--
  }
  return out
}

function shuffle<T>(random: Random, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1))
    ;[items[i], items[j]] = [items[j] as T, items[i] as T]
  }
  return items
}

/** The Jigsaw teams the organisation generator made, each with its BCU's seeded boroughs. */
export function jigsawAreas(
  teams: readonly SeededTeam[],
  boroughs: readonly string[] | undefined,
): JigsawArea[] {
  return teams.flatMap((team) => {
    if (team.kind !== 'jigsaw' || !team.bcu) return []
    const bcu = londonBcus.find((b) => b.code === team.bcu)
    const covered = (bcu?.boroughs ?? []).filter((b) => !boroughs || boroughs.includes(b))
    if (covered.length === 0) return []
    return [
      {
        team: team.ref,
        bcu: team.bcu,
        boroughs: covered,
        constables: team.staff.filter((s) => s.rank === 'constable').map((s) => s.ref),
      },
    ]
  })
}

type Line = Record<string, unknown>

/** The level one step up (mostly) or down from `level`: what a risk change moves to. */
function nextLevel(random: Random, level: RiskLevel): RiskLevel {
  const i = riskLevels.indexOf(level)
  const up = i === 0 || (i < riskLevels.length - 1 && random.chance(0.7))
  return riskLevels[up ? i + 1 : i - 1] as RiskLevel
}

/** The generator's view of time: the demo year [from, until) and the last instant it writes at. */
interface Year {
  from: number
  until: number
  last: number
}

/** A daytime instant on the day of `ms` (09:00 to 17:00 UTC). */
function daytime(random: Random, ms: number): number {
  return Math.floor(ms / day) * day + random.int(9 * 60, 17 * 60) * 60_000
}

/** When social care were told of children an RSO has access to: within a day, late (to 29 days), or never. */
function referralAt(random: Random, found: number, year: Year): string | undefined {
  const how = random.weighted(rates.referral)
  const at =
    how === 'within_a_day'
      ? found + random.int(1, 20) * 3_600_000
      : how === 'late'
        ? found + random.int(2, 29) * day
        : Number.POSITIVE_INFINITY
  return at <= year.last ? iso(at) : undefined
}

/**
 * Instants strictly between `from` and `to`, evenly spaced with a little jitter, so that no gap (from `from`
 * to the first, between them, from the last to `to`) is longer than `maxGapDays` less a day: a duty kept in
 * date. None when `to` is within that of `from`.
 */
export function keptBetween(random: Random, from: number, to: number, maxGapDays: number): number[] {
  const gaps = Math.ceil((to - from) / (0.9 * (maxGapDays - 1) * day))
  if (gaps <= 1) return []
  const spacing = (to - from) / gaps
  const out: number[] = []
  for (let i = 1; i < gaps; i++) out.push(from + (i + (random.next() - 0.5) * 0.1) * spacing)
  return out
}

interface ActiveRso {
  ref: string
  n: number
  notificationStart: number
  level0: RiskLevel
  officer: string
}

/** The year's records of one active RSO: assessments, news, plans, visits and notifications. */
function activeRecords(random: Random, rso: ActiveRso, year: Year, out: Line[]): RiskLevel {
  const { ref, n, notificationStart, level0, officer } = rso
  const started = notificationStart
  const recent = started >= year.from - 365 * day

  // News (new information, a change of level) in the year, and the assessments that may follow.
  const information = random.chance(rates.information)
    ? daytime(random, year.from + random.next() * (year.last - year.from - 7 * day))
    : null
  const changeAt = random.chance(rates.riskChange)
    ? information !== null && random.chance(0.7)
      ? information + random.int(0, 14) * day
      : daytime(random, year.from + random.next() * (year.last - year.from - 7 * day))
    : null
  const change = changeAt !== null && changeAt > started && changeAt < year.last ? changeAt : null
  const level1 = change !== null ? nextLevel(random, level0) : level0
  const levelAt = (at: number) => (change !== null && at >= change ? level1 : level0)

  // Assessments: the latest in date (or not), the one before it, and any after the news.
  const arms: number[] = []
  if (recent) {
    const first = started + (random.chance(0.85) ? random.int(14, 100) : random.int(120, 500)) * day
    if (first < year.last) arms.push(first)
  } else {
    const latest =
      year.until - (random.chance(rates.armsInDate) ? random.int(1, 360) : random.int(370, 600)) * day
    const before = latest - random.int(300, 365) * day
    if (before > started) arms.push(before)
    arms.push(latest)
  }
  for (const at of [information, change]) {
    if (at === null || at <= started) continue
    const after = random.chance(rates.armsAfterNews)
      ? at + random.int(3, 27) * day
      : random.chance(rates.armsAfterNewsLate / (1 - rates.armsAfterNews))
        ? at + random.int(29, 120) * day
        : null
    if (after !== null && after < year.last) arms.push(after)
  }
  arms.sort((a, b) => a - b)
  // Before the seeded ones, the assessments kept since registration, each within the year of the last.
  const earliestArms = arms[0]
  if (!recent && earliestArms !== undefined)
    for (const [i, at] of keptBetween(random, started, earliestArms, 360).entries())
      out.push({
        kind: 'rso-arms',
        ref: `ARMS-S${n}-H${i + 1}`,
        rso: ref,
        assessedOn: isoDay(at),
        assessor: officer,
        priority: level0,
        keyFactors: `${random.pick(keyFactors)}; ${random.pick(keyFactors)}`,
      })
  const armsRefs: string[] = []
  for (const [i, at] of arms.entries()) {
    const armsRef = `ARMS-S${n}-${i + 1}`
    armsRefs.push(armsRef)
    out.push({
      kind: 'rso-arms',
      ref: armsRef,
      rso: ref,
      assessedOn: isoDay(at),
      assessor: officer,
      priority: levelAt(at),
      keyFactors: `${random.pick(keyFactors)}; ${random.pick(keyFactors)}`,
    })
  }
  if (information !== null && information > started)
    out.push({
      kind: 'rso-information',
      ref: `INFO-S${n}`,
      rso: ref,
      receivedAt: iso(information),
      source: random.pick(sources),
      summary: random.pick(news),
    })
  if (change !== null)
    out.push({
      kind: 'rso-risk-change',
      ref: `RISK-S${n}`,
      rso: ref,
      changedAt: iso(change),
      toLevel: level1,
      reason: information !== null ? 'New information reviewed by the offender manager' : 'Reviewed at MAPPA',
    })

  // Plans: one after most assessments, fewer after the latest ("out of date"), a few after a change alone.
  let plans = 0
  const plan = (at: number, armsRef: string | null) => ({
    kind: 'rso-plan',
    ref: `RMP-S${n}-${++plans}`,
    rso: ref,
    agreedAt: iso(at),
    author: officer,
    ...(armsRef ? { arms: armsRef } : {}),
    riskLevel: levelAt(at),
    actions: [
      {
        action: levelAt(at) === 'low' ? 'Annual home visit' : 'Unannounced home visit',
        owner: officer,
        due: isoDay(at + visitDays[levelAt(at)] * day),
      },
      ...(random.chance(0.5)
        ? [{ action: 'Check devices for internet access', owner: officer, due: isoDay(at + 60 * day) }]
        : []),
    ],
  })
  for (const [i, at] of arms.entries()) {
    const latest = i === arms.length - 1
    if (!random.chance(latest ? rates.planAfterLatestArms : rates.planAfterEarlierArms)) continue
    const agreed = daytime(random, at + random.int(1, 28) * day)
    if (agreed < year.last && (latest || agreed < (arms[i + 1] as number)))
      out.push(plan(agreed, armsRefs[i] as string))
  }
  if (change !== null && !arms.some((a) => a >= change) && random.chance(rates.planAfterRiskChange)) {
    const agreed = daytime(random, change + random.int(1, 28) * day)
    if (agreed < year.last) out.push(plan(agreed, null))
  }

  // Visits at the level's interval, a share of intervals overrunning; the chain starts before the year.
  const children = random.chance(rates.childAccess)
  let visits = 0
  const firstVisit = year.from - random.int(0, visitDays[level0] - 1) * day
  let at = firstVisit > started + 7 * day ? firstVisit : started + random.int(7, 40) * day
  // Before it, the visits made since registration, each within the level's interval (with a margin for
  // short months).
  for (const kept of keptBetween(random, started, at, Math.floor(visitDays[level0] * 0.9) - 1))
    out.push({
      kind: 'rso-visit',
      ref: `VISIT-S${n}-${++visits}`,
      rso: ref,
      plannedOn: isoDay(kept),
      visitedAt: iso(daytime(random, kept)),
      announced: !random.chance(rates.unannounced[level0]),
      officers: officer,
      outcome: 'Seen at home; compliant',
      childrenPresent: false,
    })
  while (at < year.last) {
    const level = levelAt(at)
    const visitedAt = daytime(random, at)
    if (visitedAt >= year.last) break
    const present = random.chance(children ? 0.3 : rates.childrenPresentOtherwise)
    const referral = present ? referralAt(random, visitedAt, year) : undefined
    out.push({
      kind: 'rso-visit',
      ref: `VISIT-S${n}-${++visits}`,
      rso: ref,
      plannedOn: isoDay(at),
      visitedAt: iso(visitedAt),
      announced: !random.chance(rates.unannounced[level]),
      officers: officer,
      outcome: present ? 'Seen at home; children present' : 'Seen at home; compliant',
      childrenPresent: present,
      ...(present ? { concerns: 'Children present at the address during the visit' } : {}),
      ...(referral ? { socialCareReferralAt: referral } : {}),
    })
    const late = random.chance(rates.visitLate[levelAt(visitedAt)])
    const interval = visitDays[levelAt(visitedAt)]
    at =
      visitedAt +
      Math.round(interval * (late ? 1.05 + random.next() * 0.95 : 0.55 + random.next() * 0.37)) * day
  }
  // The next visit is planned for those visited most.
  const finalLevel = levelAt(year.last)
  if (finalLevel === 'high' || finalLevel === 'very_high')
    out.push({
      kind: 'rso-visit',
      ref: `VISIT-S${n}-${++visits}`,
      rso: ref,
      plannedOn: isoDay(Math.max(at, year.until + random.int(1, 20) * day)),
      announced: false,
      officers: officer,
    })

  // Notifications: the yearly chain (initial for a new RSO), and others in the year.
  let notes = 0
  const notification = (
    kind: NotificationKind,
    notified: number,
    deadline: number | null,
    details: string,
  ) => ({
    kind: 'rso-notification',
    ref: `NOTE-S${n}-${++notes}`,
    rso: ref,
    notificationKind: kind,
    notifiedAt: iso(notified),
    ...(deadline !== null ? { deadlineAt: iso(deadline) } : {}),
    details,
  })
  let last = recent
    ? daytime(random, started + random.int(0, 3) * day)
    : daytime(random, year.from - random.int(0, 364) * day)
  if (!recent) {
    // The initial notification at registration and the yearly ones since, each within the year of the last.
    const initial = daytime(random, started + random.int(0, 2) * day)
    out.push(
      notification('initial', initial, started + 3 * day, 'Initial notification at the police station'),
    )
    let previous = initial
    for (const kept of keptBetween(random, initial, last, 360)) {
      const notified = daytime(random, kept)
      out.push(
        notification('periodic', notified, previous + 365 * day, 'Yearly notification; no change of details'),
      )
      previous = notified
    }
  }
  if (last < year.last)
    out.push(
      recent
        ? notification('initial', last, started + 3 * day, 'Initial notification at the police station')
        : notification('periodic', last, null, 'Yearly notification; no change of details'),
    )
  for (;;) {
    if (random.chance(rates.periodicMissed)) break
    const late = random.chance(rates.periodicLate / (1 - rates.periodicMissed))
    const next = daytime(random, last + (late ? 365 + random.int(1, 40) : 365 - random.int(1, 20)) * day)
    if (next >= year.last) break
    out.push(notification('periodic', next, last + 365 * day, 'Yearly notification; no change of details'))
    last = next
  }
  const within = () =>
    daytime(
      random,
      Math.max(started, year.from) + random.next() * (year.last - Math.max(started, year.from) - day),
    )
  if (year.last - Math.max(started, year.from) > 2 * day) {
    if (random.chance(rates.changeOfDetails)) {
      const changed = within()
      const notified = changed + random.int(0, 5) * day
      if (notified < year.last)
        out.push(notification('change_of_details', notified, changed + 3 * day, 'New address notified'))
    }
    if (random.chance(rates.travelAbroad)) {
      const notified = within()
      out.push(
        notification(
          'travel_abroad',
          notified,
          notified + random.int(-3, 20) * day,
          'Travel to Spain for a week',
        ),
      )
    }
    if (random.chance(rates.bankAccount)) {
      const opened = within()
      const notified = opened + random.int(0, 5) * day
      if (notified < year.last)
        out.push(notification('bank_account', notified, opened + 3 * day, 'New bank account'))
    }
    if (children) {
      const stayed = within()
      const notified = stayed + random.int(0, 4) * day
      if (notified < year.last) {
        const line = notification(
          'household_with_child',
          notified,
          stayed + 3 * day,
          'Stayed 12 hours or more at a household with a child aged under 18',
        )
        const referral = referralAt(random, notified, year)
        out.push(referral ? { ...line, socialCareReferralAt: referral } : line)
      }
    }
  }
  return levelAt(year.last)
}

export const offendersSeed: SeedGenerator = {
  name: 'offenders',
  *generate({ scale, random, from, until, shared }) {
    const teams = (shared.get(seededTeamsKey) as SeededTeam[] | undefined) ?? []
    const areas = jigsawAreas(teams, shared.get(seededBoroughsKey) as string[] | undefined)
    if (areas.length === 0) return
    const total = Math.max(1, Math.round(activeRsosAtScale1 * scale))
    let added = 0
    const plans = planCaseloads(
      areas,
      total,
      random.fork('caseloads'),
      () => `MPJ${String(++added).padStart(5, '0')}`,
    )
    const year: Year = { from: from.getTime(), until: until.getTime(), last: until.getTime() - 3_600_000 }
    const untilYear = until.getUTCFullYear()

    // Managers the Jigsaw teams need beyond the constables the organisation generator gave them.
    for (const plan of plans)
      for (const m of plan.managers)
        if (m.added)
          yield {
            kind: 'staff',
            ref: m.ref,
            name: `${random.pick(givenNames)} ${random.pick(familyNames)}`,
            rank: 'constable',
            role: 'Offender manager',
            team: plan.area.team,
            startDate: `${untilYear - random.int(0, 6)}-${String(random.int(1, 12)).padStart(2, '0')}-01`,
          }

    // Neighbourhood teams for RSO-08's briefings: in each borough with RSOs, two wards, each served by a safer
    // neighbourhood team of three constables, and about seven RSOs in ten with their ward recorded (the rest
    // are on their borough's briefing only). A stream of its own, so the rest of the demo is as it was.
    const neighbourhoods = random.fork('neighbourhoods')
    const wardsOf = new Map<string, string[]>()
    let officers = 0
    for (const borough of new Set(plans.flatMap((p) => p.area.boroughs))) {
      const wards = [`${borough} North`, `${borough} South`]
      wardsOf.set(borough, wards)
      for (const ward of wards) {
        yield { kind: 'ward', ref: ward, borough }
        const team = `${ward} Safer Neighbourhood Team`
        yield { kind: 'team', ref: team, teamKind: 'neighbourhood', borough, ward }
        for (let i = 0; i < 3; i++)
          yield {
            kind: 'staff',
            ref: `SNT${String(++officers).padStart(5, '0')}`,
            name: `${neighbourhoods.pick(givenNames)} ${neighbourhoods.pick(familyNames)}`,
            rank: i === 0 ? 'sergeant' : 'constable',
            role: 'Neighbourhood officer',
            team,
            startDate: `${untilYear - neighbourhoods.int(0, 10)}-${String(neighbourhoods.int(1, 12)).padStart(2, '0')}-01`,
          }
      }
    }

    const published: SeededRso[] = []
    const arrivals = random.fork('arrivals')
    let n = 0
    for (const plan of plans) {
      const slots = shuffle(
        random,
        plan.managers.flatMap((m) => new Array<string>(m.caseload).fill(m.ref)),
      )
      const others = rates.otherStatuses.flatMap(([status, share]) =>
        new Array<RsoStatus>(Math.round(slots.length * share)).fill(status),
      )
      const boroughWeights = plan.area.boroughs.map((b) => [b, 0.75 + random.next() * 0.5] as const)
      // Registered today, as a live force's day has some: about one in 500 active RSOs (at least one an
      // area), whose address began today, so they join the next day's neighbourhood briefing and RSO-08 shows
      // them until then (briefings.ts). Chosen from a stream of their own.
      const today = new Set(
        Array.from({ length: Math.max(1, Math.round(slots.length / 500)) }, () =>
          arrivals.int(0, slots.length - 1),
        ),
      )
      for (const [i, status] of [...slots.map(() => 'active' as const), ...others].entries()) {
        n++
        const borough = random.weighted(boroughWeights)
        const manager =
          status === 'active'
            ? (slots[i] as string)
            : status === 'in_custody' || status === 'abroad'
              ? random.pick(plan.managers).ref
              : null
        const lines: Line[] = []
        const ward = neighbourhoods.chance(0.7) ? neighbourhoods.pick(wardsOf.get(borough) ?? []) : undefined
        const registeredToday = status === 'active' && today.has(i)
        const riskLevel = rsoLines(
          random,
          { n, status, borough, ward, manager, year, registeredToday },
          lines,
        )
        yield* lines
        published.push({ ref: rsoRef(n), person: personRef(n), borough, manager, status, riskLevel })
      }
    }
    shared.set(seededRsosKey, published)
  },
}

const rsoRef = (n: number) => `RSO-S${String(n).padStart(6, '0')}`
const personRef = (n: number) => `KP-RSO${String(n).padStart(6, '0')}`

interface RsoPlace {
  n: number
  status: RsoStatus
  borough: string
  ward: string | undefined
  manager: string | null
  year: Year
  /** Notified for the first time today (the demo's last day, in London). */
  registeredToday?: boolean
}

/**
 * One RSO's lines, added to `out`: the person, the RSO, their allocation and (when active) their year's
 * records. Answers the RSO's risk level at the end of the year.
 */
function rsoLines(
  random: Random,
  { n, status, borough, ward, manager, year, registeredToday }: RsoPlace,
  out: Line[],
): RiskLevel {
  const ref = rsoRef(n)
  const person = personRef(n)
  // How long ago they were first notified: a few in the year, most years ago.
  const yearsAgo = random.weighted([
    [random.next() * 0.9, 8],
    [1 + random.next() * 2, 25],
    [3 + random.next() * 7, 45],
    [10 + random.next() * 15, 22],
  ] as const)
  let start = Math.floor((year.until - 14 * day - yearsAgo * 365.25 * day) / day) * day
  let end: number | null = random.chance(0.55) ? null : start + random.pick([5, 7, 10, 15]) * 365 * day
  if (status === 'ended') {
    end = Math.floor((year.until - random.int(10, 300) * day) / day) * day
    start = end - random.pick([2, 5, 7, 10]) * 365 * day
  } else if (end !== null && end <= year.until) end = null
  if (registeredToday) {
    start = Date.parse(`${londonDate(new Date(year.until))}T00:00:00Z`)
    end = null
  }
  const age = Math.min(
    88,
    Math.max(19 + (year.until - start) / (365.25 * day), Math.round(random.normal(47, 14))),
  )
  const born = year.until - (age * 365.25 + random.int(0, 364)) * day
  const address = `${random.int(1, 240)} ${random.pick(streets)}, London`
  const level0: RiskLevel = random.weighted(rates.risk)
  const basis = random.weighted([
    ['conviction', 88],
    ['caution', 7],
    ['notification_order', 3],
    ['foreign_conviction', 2],
  ] as const)
  const convicted = start - random.int(0, 20) * day
  const officer = manager ? `Offender manager ${manager}` : 'Jigsaw team'
  out.push({
    kind: 'person',
    ref: person,
    familyName: random.pick(familyNames),
    givenNames: random.pick(givenNames),
    dateOfBirth: isoDay(born),
    gender: random.chance(0.97) ? 'male' : 'female',
    ethnicity: random.weighted([
      ['W1', 55],
      ['W9', 8],
      ['B1', 6],
      ['B2', 6],
      ['A1', 4],
      ['A2', 3],
      ['A3', 3],
      ['M1', 3],
      ['O9', 2],
      ['NS', 10],
    ] as const),
    address: { address, borough, from: isoDay(Math.min(start, year.until - 30 * day)) },
  })
  out.push({
    kind: 'rso',
    ref,
    person,
    status,
    notificationBasis: basis,
    notificationStart: isoDay(start),
    ...(end !== null ? { notificationEnd: isoDay(end) } : {}),
    mappaCategory: 1,
    mappaLevel:
      level0 === 'very_high'
        ? random.weighted([
            [1, 60],
            [2, 30],
            [3, 10],
          ] as const)
        : random.chance(0.03)
          ? 2
          : 1,
    riskLevel: level0,
    visorRef: `VS-S${String(n).padStart(6, '0')}`,
    address,
    borough,
    ...(ward ? { ward } : {}),
    offences:
      basis === 'notification_order'
        ? []
        : [
            {
              offence: random.pick(offences),
              convictedOn: isoDay(convicted),
              court: basis === 'foreign_conviction' ? 'A court abroad' : random.pick(courts),
            },
          ],
    orders: random.chance(rates.shpo)
      ? [
          {
            kind: 'shpo',
            startsOn: isoDay(convicted),
            ...(random.chance(0.5) ? { endsOn: isoDay(convicted + 5 * 365 * day) } : {}),
            conditions: random.pick(conditions),
          },
        ]
      : [],
  })
  if (manager) {
    // Allocated to today's manager some time since registration (the allocation dates RSO-05's caseload).
    const since = Math.max(start + day, year.until - random.int(30, 4 * 365) * day)
    out.push({
      kind: 'rso-allocation',
      ref: `ALLOC-S${n}`,
      rso: ref,
      manager,
      at: iso(daytime(random, Math.min(since, year.last - day))),
      reason:
        since <= start + day ? 'Allocated on registration' : 'Caseload transferred within the Jigsaw team',
    })
  }
  // Registered today: no year of records yet (their first assessment, visit and notification are to come).
  return status === 'active' && !registeredToday
    ? activeRecords(random, { ref, n, notificationStart: start, level0, officer }, year, out)
    : level0
}
