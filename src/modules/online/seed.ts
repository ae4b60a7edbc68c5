import type { Random } from '../../platform/seed/random.ts'
import type { SeedGenerator } from '../../platform/seed/seeder.ts'
import { londonBcus } from '../organisation/london.ts'
import { type SeededTeam, seededBoroughsKey, seededTeamsKey } from '../organisation/seed.ts'
import type { KiratLevel, OutcomeKind, Stage, TeamKind } from './online-case.ts'
import { type SeededWarrant, seizedDevices } from './seed-devices.ts'

/*
 * Demo online cases at the report's rates: about 1,387 NCA referrals over 20 months and 100 Operation Bellona
 * cases a month at scale 1, allocated 77% frontline, 17% to the child abuse teams and 6% to the specialists,
 * with outcomes by team kind near the report's table (frontline 86% no further action, 3% no crime, 11%
 * positive; specialists 29%, 12%, 59%), stage ages with a tail of long delays, children in some suspects'
 * households (some never referred), the online team's staff with their screenings and gradings (ONL-08), and
 * the devices seized at each warrant, with their triage (seed-devices.ts: ONL-05 to ONL-07).
 * Each case's timeline is drawn whole and cut at the demo's end, so the open cases are the queue.
 */

const day = 86_400_000
const iso = (ms: number) => new Date(ms).toISOString()

/** The report's outcomes by who investigated; the child abuse teams' are not given, so halfway between. */
const outcomeShares: Record<TeamKind, readonly (readonly [OutcomeKind, number])[]> = {
  frontline: [
    ['no_further_action', 86],
    ['no_crime', 3],
    ['positive', 11],
  ],
  child_abuse_team: [
    ['no_further_action', 57],
    ['no_crime', 8],
    ['positive', 35],
  ],
  specialist: [
    ['no_further_action', 29],
    ['no_crime', 12],
    ['positive', 59],
  ],
}
const outcomeCodes: Record<OutcomeKind, readonly string[]> = {
  no_further_action: ['14', '15', '16', '18', '21'],
  no_crime: ['cancelled'],
  positive: ['1', '1', '1', '3'],
}
const kiratShares: readonly (readonly [KiratLevel, number])[] = [
  ['very_high', 10],
  ['high', 25],
  ['medium', 40],
  ['low', 25],
]
const kiratQuestions = [
  'Does the suspect have access to children?',
  'Is there evidence of contact offending?',
  'Does the suspect hold a position of trust?',
  'Is there evidence of production or distribution?',
]

/** Days in a stage: mostly near the typical, one case in `tail` far longer (the IP traced and left for months). */
function daysIn(random: Random, typical: number, tail: number): number {
  const base = Math.max(0.2, random.normal(typical, typical / 2))
  return random.chance(1 / tail) ? base * random.int(3, 8) : base
}

export const onlineSeed: SeedGenerator = {
  name: 'online',
  *generate({ scale, random, until, shared }) {
    const teams = (shared.get(seededTeamsKey) as SeededTeam[] | undefined) ?? []
    const boroughs = (shared.get(seededBoroughsKey) as string[] | undefined) ?? []
    const specialists = teams.find((t) => t.kind === 'online_csae')
    if (!boroughs.length || !specialists) return
    const end = until.getTime() - 3_600_000
    // The devices draw from their own stream, so adding them changed none of the cases drawn before them.
    const deviceRandom = random.fork('devices')
    const warrants: SeededWarrant[] = []
    const safeguarding = random.fork('safeguarding')
    const bcuOf = (borough: string) => londonBcus.find((b) => b.boroughs.includes(borough))?.code
    const teamFor = (kind: TeamKind, borough: string) =>
      kind === 'specialist'
        ? specialists
        : teams.find((t) =>
            kind === 'frontline'
              ? t.kind === 'response_neighbourhood' && t.borough === borough
              : t.kind === 'cait' && t.bcu === bcuOf(borough),
          )

    // Referrals: NCA cases over 20 months, Bellona cases over the demo year, in time order.
    const received: { at: number; source: 'nca_referral' | 'bellona' }[] = []
    const nca = Math.round(1387 * scale)
    for (let i = 0; i < nca; i++)
      received.push({ at: end - random.next() * 608 * day, source: 'nca_referral' })
    for (let month = 0; month < 12; month++)
      for (let i = 0, n = Math.round(100 * scale); i < n; i++)
        received.push({ at: end - (month + random.next()) * 30.4 * day, source: 'bellona' })
    received.sort((a, b) => a.at - b.at)

    let n = 0
    for (const { at, source } of received) {
      n++
      const ref = `ONL-SEED-${String(n).padStart(6, '0')}`
      const borough = random.pick(boroughs)
      const suspect = `KP-ONL-${n}`
      yield {
        kind: 'person',
        ref: suspect,
        familyName: random.pick(['Hart', 'Lowe', 'Marsh', 'Reed', 'Shaw', 'Wells', 'Frost', 'Kerr']),
        givenNames: random.pick(['Adam', 'Brian', 'Colin', 'Dean', 'Gary', 'Keith', 'Lee', 'Paul']),
        dateOfBirth: `${random.int(1960, 1998)}-0${random.int(1, 9)}-1${random.int(0, 9)}`,
        gender: 'male',
        address: { address: `${random.int(1, 200)} Example Street`, borough, from: '2010-01-01' },
      }
      // The timeline drawn whole: Bellona cases are traced first; NCA referrals usually name an address.
      const stages: {
        stage: Stage
        at: number
        team?: string
        officer?: string
        outcomeCode?: string
        reason?: string
        returnedAt?: string
      }[] = []
      let t = at
      const next = (stage: Stage, days: number, extra: Partial<(typeof stages)[number]> = {}) => {
        t += days * day
        stages.push({ stage, at: t, ...extra })
      }
      if (source === 'bellona' || random.chance(0.3)) {
        next('awaiting_research', daysIn(random, 2, 20))
        const requested = daysIn(random, 25, 8)
        next('awaiting_communications_data', requested)
        const back = daysIn(random, 35, 10)
        next('address_confirmed', back)
        // The providers' answer comes back during the wait before the address is confirmed.
        const comms = stages[stages.length - 2]
        if (comms) comms.returnedAt = iso(comms.at + (t - comms.at) * (0.5 + random.next() / 2))
      } else next('address_confirmed', daysIn(random, 4, 10))
      next('ready_for_allocation', daysIn(random, 2, 10))
      const teamKind = random.weighted<TeamKind>([
        ['frontline', 77],
        ['child_abuse_team', 17],
        ['specialist', 6],
      ])
      const team = teamFor(teamKind, borough) ?? specialists
      next('allocated', daysIn(random, 5, 8), {
        team: team.ref,
        ...(team.staff.length ? { officer: random.pick(team.staff).ref } : {}),
      })
      next('warrant_executed', daysIn(random, 10, 8))
      next('devices_seized', 0)
      const outcome = random.weighted(outcomeShares[teamKind])
      next('outcome', daysIn(random, 90, 6), { outcomeCode: random.pick(outcomeCodes[outcome]) })
      const kirat = random.weighted(kiratShares)
      const kiratAt = (stages.find((s) => s.stage === 'address_confirmed')?.at ?? at) + day / 2

      // Children in the household for a quarter of suspects, found when the address is confirmed.
      const children = random.chance(0.25) ? random.int(1, 4) : 0
      const safeguarded =
        children > 0 && (teamKind === 'specialist' ? random.chance(0.9) : random.chance(0.45))
      next('closed', daysIn(random, 10, 10), {
        ...(children && !safeguarded ? { reason: 'Supervisor: no further concerns for the children' } : {}),
      })
      const closedAt = t
      const seizedAt = stages.find((s) => s.stage === 'devices_seized')?.at
      if (seizedAt !== undefined && seizedAt <= end)
        warrants.push({
          caseRef: ref,
          seizedAt,
          teamKind,
          team: team.ref,
          borough,
          suspect,
          outcome,
          closedAt,
        })
      const shown = stages.filter((s) => s.at <= end)
      yield {
        kind: 'online-case',
        ref,
        source,
        ...(source === 'nca_referral' ? { ncaReference: `NCA-${String(100000 + n)}` } : {}),
        receivedAt: iso(at),
        materialCategory: random.pick([
          'category_a',
          'category_b',
          'category_c',
          'ungraded',
          'grooming',
        ] as const),
        materialDescription: 'Images or chat reported by the service provider (synthetic demo record)',
        materialUploadedAt: iso(at - random.int(1, 30) * day),
        // Bellona suspects are known once research ends; until then the case has no suspect or borough.
        ...(shown.some((s) => s.stage === 'address_confirmed') || source === 'nca_referral'
          ? { suspect, borough }
          : {}),
        identifiers: [{ kind: 'ip_address', value: `198.51.100.${n % 250}`, seenAt: iso(at - 2 * day) }],
        // A return not yet come by the demo's end is not recorded.
        stages: shown.map(({ returnedAt, ...s }) => ({
          ...s,
          at: iso(s.at),
          ...(returnedAt && Date.parse(returnedAt) <= end ? { returnedAt } : {}),
        })),
      }
      if (kiratAt <= end)
        yield {
          kind: 'online-kirat',
          ref: `KIRAT-SEED-${n}`,
          case: ref,
          assessedAt: iso(kiratAt),
          level: kirat,
          answers: kiratQuestions.map((question) => ({
            question,
            answer: random.pick(['Yes', 'No', 'Not known']),
          })),
          assessor: 'Online CSAE team researcher',
        }
      const foundAt = kiratAt + day / 4
      if (foundAt > end) continue
      for (let c = 0; c < children; c++) {
        const child = `KP-ONLC-${n}-${c}`
        const year = new Date(foundAt).getUTCFullYear() - random.int(1, 15)
        yield {
          kind: 'person',
          ref: child,
          familyName: 'Householdchild',
          givenNames: random.pick(['Amy', 'Ben', 'Cara', 'Dan', 'Ella', 'Finn']),
          dateOfBirth: `${year}-0${random.int(1, 9)}-1${random.int(0, 9)}`,
          address: { address: `${n} Example Street`, borough, from: '2015-01-01' },
        }
        yield {
          kind: 'online-household-child',
          ref: `ONLC-SEED-${n}-${c}`,
          case: ref,
          person: child,
          identifiedAt: iso(foundAt),
        }
        // A PAC for each child of a safeguarded household, within the day for most (ONL-03, 24 hours), days
        // late for the rest; four in ten of the other households' children get one weeks late, the rest none
        // (plausible practice; report: the mother of four, closed with no referral to children's social care).
        const pacAfter = safeguarded
          ? safeguarding.chance(0.85)
            ? safeguarding.int(1, 20) * 3_600_000
            : safeguarding.int(2, 14) * day
          : safeguarding.chance(0.4)
            ? safeguarding.int(7, 40) * day
            : null
        if (pacAfter !== null && foundAt + pacAfter <= end)
          yield {
            kind: 'online-safeguarding',
            ref: `SG-SEED-${n}-${c}`,
            case: ref,
            action: 'pac',
            child,
            at: iso(foundAt + pacAfter),
            pacRef: `PAC-ONL-${n}-${c}`,
          }
      }
      // A safeguarded household is visited before the case closes (ONL-04); the others close on a reason.
      const visitAt = Math.min(foundAt + safeguarding.int(1, 10) * day, closedAt - 3_600_000)
      if (safeguarded && visitAt <= end)
        yield {
          kind: 'online-safeguarding',
          ref: `SG-SEED-${n}-visit`,
          case: ref,
          action: 'welfare_visit',
          at: iso(Math.max(visitAt, foundAt)),
        }
    }

    yield* seizedDevices(deviceRandom, warrants, end)

    yield* viewersOf(random.fork('screenings'), specialists, teams, until)
  },
}

/**
 * The staff who view and grade indecent images, with their psychological screenings (ONL-08), at the report's
 * shape: the specialist online team screened on joining and about yearly, with a few late (estimates: 90% on
 * joining, 95% of later screenings within the 12 months); and in each child abuse team two officers who also
 * grade images, seven in ten of them never screened and the rest screened before they began (report: welfare
 * screening was offered only to the specialists, not to the non-specialist staff who also view indecent images).
 */
function* viewersOf(random: Random, specialists: SeededTeam, teams: readonly SeededTeam[], until: Date) {
  const year = until.getUTCFullYear()
  const last = until.getTime() - day
  const dateOf = (ms: number) => iso(ms).slice(0, 10)
  const grading = (staff: string, months: readonly number[]) =>
    months.map((m) => ({
      kind: 'iioc-grading',
      ref: `GRADE-${staff}-${m}`,
      staff,
      month: new Date(Date.UTC(year, until.getUTCMonth() - m, 1)).toISOString().slice(0, 7),
      images: random.int(200, 3000),
    }))
  for (const member of specialists.staff) {
    const since = Date.UTC(year - random.int(2, 8), 0, 1)
    // On joining: a screening in the weeks before they start for most, months after for the rest.
    let at = random.chance(0.9) ? since - random.int(0, 60) * day : since + random.int(30, 150) * day
    for (let i = 1; at <= last; i++) {
      yield {
        kind: 'welfare-screening',
        ref: `WS-SEED-${member.ref}-${i}`,
        staff: member.ref,
        screenedOn: dateOf(at),
        ...(i === 1 ? { viewsSince: dateOf(since) } : {}),
      }
      at += (random.chance(0.95) ? random.int(300, 360) : random.int(380, 480)) * day
    }
    yield* grading(
      member.ref,
      Array.from({ length: 12 }, (_, m) => m + 1),
    )
  }
  for (const team of teams.filter((t) => t.kind === 'cait'))
    for (const member of team.staff.slice(0, 2)) {
      const months = Array.from({ length: 12 }, (_, m) => m + 1).filter(() => random.chance(0.4))
      if (!months.length) continue
      // The three in ten screened were screened before their first month of grading.
      if (random.chance(0.3))
        yield {
          kind: 'welfare-screening',
          ref: `WS-SEED-${member.ref}-1`,
          staff: member.ref,
          screenedOn: dateOf(
            Date.UTC(year, until.getUTCMonth() - Math.max(...months), 1) - random.int(1, 60) * day,
          ),
        }
      yield* grading(member.ref, months)
    }
}
