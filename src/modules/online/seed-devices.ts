import type { Random } from '../../platform/seed/random.ts'
import type { DeviceKind } from '../triage/device.ts'
import type { OutcomeKind, TeamKind } from './online-case.ts'

/*
 * Demo devices for the online cases, written as the triage module's `device` and `triage-result` import lines
 * (the device is specified once, there). Each case whose warrant was executed seizes about ten devices; the
 * team triages most, submits two and returns the rest when the case closes, at the report's shapes
 * (../shared/reference/inspection-report-2018.txt, "Online child sexual abuse"):
 * - about ten devices seized per warrant: "officers seizing an average of ten devices" (report);
 * - two submitted for full examination per non-specialist case: "can only submit two items" (report);
 *   the specialists submit only what triage found: "only submit items ... if the presence of indecent images
 *   has been confirmed" (report);
 * - half of the submitted devices with no indecent images: "50 percent of the items seized and submitted during
 *   non-specialist investigations do not have IIOC on them" (report); so ONL-06 raises on about half of the
 *   devices submitted, about a tenth of all devices;
 * - triage: every device of the specialists' cases (report), 88% of the others' now that non-specialists have
 *   it (plausible practice after the 2018 recommendation), within about ten days, a tenth of those weeks late;
 *   so ONL-05 raises on the devices still held untriaged, about 5% of all devices;
 * - returned when the case closes, bar those with indecent images in a case with a positive outcome; the
 *   untriaged ones go back unchecked: "some devices are returned without being checked at all" (report), so
 *   ONL-07 raises on about a tenth of the devices returned, a few percent of all devices.
 */

/** A case's warrant as the online generator drew it: its timeline whole, cut at the demo's end here. */
export interface SeededWarrant {
  caseRef: string
  /** The devices_seized stage (ms). */
  seizedAt: number
  teamKind: TeamKind
  team: string
  borough: string
  suspect: string
  outcome: OutcomeKind
  /** The closed stage (ms), whether or not it falls before the demo's end. */
  closedAt: number
}

const day = 86_400_000
const iso = (ms: number) => new Date(ms).toISOString()

/** Devices seized at a warrant: the report's average of ten, spread as searches are. */
const devicesPerWarrant = { mean: 10, sd: 3, min: 3, max: 18 }
/** Share of a non-specialist case's devices triaged (the specialists triage all). */
const triagedByNonSpecialists = 0.88
/** Devices a non-specialist case may submit for full examination (report: two). */
const submittedPerCase = 2
/**
 * Cases with a positive outcome hold indecent images on one to three devices; the others on one, this often:
 * what makes about half of the two devices submitted hold images (report: 50% do not).
 */
const imagesInOtherCases = 0.85
/** Triage's chance of finding known material on a device that holds it (hash sets miss new material). */
const triageFinds = 0.92
/** Triage runs that could not complete (encrypted, damaged). */
const couldNotComplete = 0.03

const kinds: readonly (readonly [DeviceKind, number])[] = [
  ['phone', 35],
  ['laptop', 20],
  ['tablet', 10],
  ['storage', 30],
  ['other', 5],
]
const descriptions: Record<DeviceKind, readonly string[]> = {
  phone: [
    'Mobile phone found in the bedroom',
    'Mobile phone taken from the suspect',
    'Old phone in a drawer',
  ],
  laptop: ['Laptop in the living room', 'Desktop computer in the spare room', 'Laptop in a bag'],
  tablet: ['Tablet on the sofa', 'Tablet in the bedroom'],
  storage: ['USB stick', 'External hard disk', 'Memory card', 'Box of DVDs and memory cards'],
  other: ['Games console', 'Smart TV box'],
}

/** Days to a step: mostly near the typical, one in `tail` far longer (the backlog). */
function daysTo(random: Random, typical: number, tail: number): number {
  const base = Math.max(0.25, random.normal(typical, typical / 2))
  return random.chance(1 / tail) ? base * random.int(3, 6) : base
}

function hex(random: Random, digits: number): string {
  let out = ''
  for (let i = 0; i < digits; i++) out += random.int(0, 15).toString(16)
  return out
}

function shuffled<T>(random: Random, items: readonly T[]): T[] {
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.int(0, i)
    ;[out[i], out[j]] = [out[j] as T, out[i] as T]
  }
  return out
}

const none = { A: 0, B: 0, C: 0, ungraded: 0, ignorable: 0 }

type Decision = 'submit-for-full-examination' | 'no-known-material-found' | 'could-not-complete'

/** A triage-result line as `kestrel triage` writes it: counts and hashes only, no image content. */
function triageResult(random: Random, device: string, finishedAt: number, decision: Decision) {
  const started = finishedAt - random.int(10, 90) * 60_000
  const matches =
    decision === 'submit-for-full-examination'
      ? Array.from({ length: random.int(1, 6) }, (_, i) => ({
          path: `/Users/user/Pictures/IMG_${String(1000 + i)}.jpg`,
          size: random.int(40_000, 4_000_000),
          modified: iso(started - random.int(30, 900) * day),
          md5: hex(random, 32),
          sha1: hex(random, 40),
          known: [{ set: 'caid-demo', category: random.pick(['A', 'B', 'C'] as const), on: 'md5+sha1' }],
        }))
      : []
  const byCategory = { ...none }
  for (const m of matches) byCategory[m.known[0]?.category ?? 'C']++
  const files = random.int(2_000, 120_000)
  return {
    kind: 'triage-result',
    ref: `${device}@${iso(started)}`,
    version: 1,
    tool: 'kestrel-triage 0.1.0',
    device,
    startedAt: iso(started),
    finishedAt: iso(finishedAt),
    complete: decision !== 'could-not-complete',
    ...(decision === 'could-not-complete' ? { interruption: 'Device encrypted' } : {}),
    settings: { threshold: 31, dihedral: false, hashSets: ['caid-demo'], knownRecords: 1_200_000 },
    counts: {
      files,
      bytes: files * random.int(50_000, 400_000),
      images: Math.round(files * 0.2),
      videos: random.int(0, 200),
      unreadable: 0,
      problems: 0,
      exactMatches: matches.length,
      nearMatches: 0,
    },
    exactMatchesByCategory: byCategory,
    nearMatchesByCategory: none,
    exactMatches: matches,
    nearMatches: [],
    recommendation: {
      decision,
      reason:
        decision === 'submit-for-full-examination'
          ? 'Known indecent images found: submit for full examination'
          : decision === 'no-known-material-found'
            ? 'No file matched the hash sets'
            : 'The device could not be read in full',
    },
  }
}

/** The device and triage-result lines for the warrants given, each event at or before `end`. */
export function* seizedDevices(
  random: Random,
  warrants: readonly SeededWarrant[],
  end: number,
): Generator<Record<string, unknown>> {
  for (const w of warrants) {
    if (w.seizedAt > end) continue
    const specialist = w.teamKind === 'specialist'
    const n = Math.min(
      devicesPerWarrant.max,
      Math.max(
        devicesPerWarrant.min,
        Math.round(random.normal(devicesPerWarrant.mean, devicesPerWarrant.sd)),
      ),
    )
    const holding = w.outcome === 'positive' ? random.int(1, 3) : random.chance(imagesInOtherCases) ? 1 : 0
    const devices = Array.from({ length: n }, (_, i) => {
      const ref = `EXH/${w.caseRef}/${i + 1}`
      const triaged = specialist || random.chance(triagedByNonSpecialists)
      const triagedAt = triaged ? w.seizedAt + daysTo(random, specialist ? 4 : 10, 10) * day : null
      // The first `holding` devices hold indecent images; which ones they are does not matter to anyone.
      const images = i < holding
      const decision: Decision | null =
        triagedAt === null
          ? null
          : random.chance(couldNotComplete)
            ? 'could-not-complete'
            : images && random.chance(triageFinds)
              ? 'submit-for-full-examination'
              : 'no-known-material-found'
      return {
        ref,
        kind: random.weighted(kinds),
        images,
        triagedAt,
        decision,
        submittedAt: null as number | null,
      }
    })
    // What triage found goes first; a non-specialist team fills its two places with devices it has no reason
    // to choose (untriaged or cleared), as the report found they must.
    const found = devices.filter((d) => d.decision === 'submit-for-full-examination')
    const chosen = specialist
      ? found
      : [
          ...found,
          ...shuffled(
            random,
            devices.filter((d) => !found.includes(d)),
          ),
        ].slice(0, submittedPerCase)
    // Sent on a few days after its triage, or a week after the seizure when it had none.
    for (const d of chosen)
      d.submittedAt =
        d.triagedAt !== null
          ? d.triagedAt + daysTo(random, 3, 10) * day
          : w.seizedAt + daysTo(random, 7, 10) * day
    for (const d of devices) {
      const statusHistory: { status: string; at: string }[] = []
      const examinedAt = d.submittedAt === null ? null : d.submittedAt + daysTo(random, 45, 8) * day
      if (d.submittedAt !== null) statusHistory.push({ status: 'submitted', at: iso(d.submittedAt) })
      if (examinedAt !== null) statusHistory.push({ status: 'examined', at: iso(examinedAt) })
      // Returned once the case closes (after any examination), bar evidence of a positive outcome.
      const kept = w.outcome === 'positive' && d.images && (d.decision !== null || examinedAt !== null)
      const returnedAt = kept ? null : Math.max(w.closedAt, examinedAt ?? 0) + daysTo(random, 10, 10) * day
      if (returnedAt !== null) statusHistory.push({ status: 'returned', at: iso(returnedAt) })
      const kind = d.kind
      yield {
        kind: 'device',
        ref: d.ref,
        description: `${random.pick(descriptions[kind])} (synthetic demo record)`,
        deviceKind: kind,
        caseRef: w.caseRef,
        seizedAt: iso(w.seizedAt),
        owner: w.suspect,
        team: w.team,
        borough: w.borough,
        statusHistory: statusHistory.filter((s) => Date.parse(s.at) <= end),
      }
      // A triage not run before the device went back is not run at all.
      if (d.triagedAt !== null && d.decision !== null && d.triagedAt <= end)
        if (returnedAt === null || d.triagedAt < returnedAt)
          yield triageResult(random, d.ref, d.triagedAt, d.decision)
    }
  }
}
