import type { CalibrationTarget, KindRate, RuleRate } from './measure.ts'

/**
 * Each rule's band at the demo's end (scale 0.1, seed 2018): the share of its records (or of those it
 * judged) that raise a finding, with the target's source: the report's figure where it gives one, else
 * plausible practice. The generators state the same rates beside the code that makes them. Rules whose
 * Every rule has a band; every rule must raise one finding, bar those that need a bigger force (smallestScale).
 */
export const calibrationTargets: Record<string, CalibrationTarget> = {
  'REF-01': {
    min: 0.08,
    max: 0.18,
    of: 'records',
    source:
      "referrals seed: 12% of PACs more than 24 h late, a tail of weeks (plausible practice; the report's 29-day case)",
  },
  'REF-02': {
    min: 0.05,
    max: 0.16,
    of: 'records',
    source: 'plausible practice: 8% never reviewed, and some reviewed late',
  },
  'REF-03': {
    min: 0.01,
    max: 0.1,
    of: 'judged',
    source: 'plausible practice: 5% shared more than a day after review',
  },
  'REF-04': {
    min: 0.05,
    max: 0.25,
    of: 'judged',
    source: "plausible practice: 85% of MASH decisions within the rating's timescale",
  },
  'REF-05': {
    min: 0.3,
    max: 0.55,
    of: 'judged',
    source:
      'plausible practice; report: feedback "is not happening consistently", officers "not following up"',
  },
  'REF-06': {
    min: 0.2,
    max: 0.45,
    of: 'judged',
    source:
      'plausible practice; report\'s 2016 recommendation on "wider risks that may affect other children"',
  },
  'CUS-01': {
    min: 0.4,
    max: 0.7,
    of: 'records',
    source:
      'plausible practice; report: appropriate adults 8 and 16 hours late, "securing adequate appropriate adult support in a timely fashion"',
  },
  'CUS-02': {
    min: 0.005,
    max: 0.06,
    of: 'records',
    source: 'plausible practice: 3% interviewed before the adult arrived',
  },
  'CUS-03': {
    min: 0.15,
    max: 0.45,
    of: 'records',
    source: 'report: rights "not always countersigned" (70% countersigned, estimate)',
  },
  'CUS-04': { min: 0.03, max: 0.15, of: 'records', source: 'plausible practice: 8% of reviews late' },
  'CUS-05': {
    min: 0.25,
    max: 0.55,
    of: 'judged',
    source:
      'report: "we also identified cases" of reviews in the child\'s absence with no record the child was told',
  },
  'CUS-06': {
    min: 0.2,
    max: 0.8,
    of: 'judged',
    source: 'report: strip searches in 2 of 30 cases, one without the adult',
  },
  'CUS-07': {
    min: 0.25,
    max: 0.7,
    of: 'judged',
    source: 'plausible practice: 55% of accommodation requests within the hour',
  },
  'CUS-08': {
    min: 0.2,
    max: 0.7,
    of: 'judged',
    source: "report's 2016 recommendation on certificates (75% with one, estimate)",
  },
  'CUS-09': {
    min: 0.75,
    max: 1,
    of: 'judged',
    source: 'report: "little evidence of escalation"; transfers in 2 of 29 relevant cases',
  },
  'CUS-10': {
    min: 0.1,
    max: 0.9,
    of: 'judged',
    source: 'report: secure requests "not always ratified by an inspector" (60% ratified, estimate)',
  },
  'CUS-11': {
    min: 0.2,
    max: 0.6,
    of: 'judged',
    source: 'report: "no evidence that these children were then referred to or seen" in some cases',
  },
  'CUS-12': {
    min: 0.08,
    max: 0.3,
    of: 'records',
    source: 'report: "In most cases" a Merlin form was completed (85%, estimate)',
  },
  'CUS-13': {
    min: 0.001,
    max: 0.02,
    of: 'records',
    source: 'plausible practice: a few held past 24 h with no extension recorded',
  },
  'CUS-14': {
    min: 0.05,
    max: 0.3,
    of: 'judged',
    source: 'report: "not evident in some cases whether an appropriate adult was present" at charge',
  },
  'CUS-15': {
    min: 0.55,
    max: 0.9,
    of: 'judged',
    source: 'report: "limited evidence of intervention or escalation" while the adult was awaited',
  },
  'INV-01': {
    min: 0.08,
    max: 0.35,
    of: 'judged',
    source: 'report: "no evidence that a strategy meeting had been held" in a number of cases',
  },
  'INV-02': {
    min: 0.05,
    max: 0.3,
    of: 'records',
    source:
      'report: strategy discussions "most of them involved only the police and children\'s social care"',
  },
  'INV-03': {
    min: 0.1,
    max: 0.35,
    of: 'records',
    source: 'report: supervisors directed meetings that never happened',
  },
  'INV-04': {
    min: 0.2,
    max: 0.5,
    of: 'records',
    source: "report's 2016 recommendation on supervisory reviews (plausible practice)",
  },
  'INV-05': {
    min: 0.15,
    max: 0.45,
    of: 'records',
    source: 'report: "officers and staff do not always speak to children"',
  },
  'INV-06': {
    min: 0.15,
    max: 0.5,
    of: 'records',
    source: 'report: skills audit, "no plan to train the remaining 60 percent"',
  },
  'INV-07': {
    min: 0.02,
    max: 0.2,
    of: 'records',
    source: 'report: "high workload of investigators is contributing to drift"',
  },
  'INV-08': {
    min: 0.02,
    max: 0.15,
    of: 'records',
    source: 'report: "not always clear what the joint safety plan was"',
  },
  'INV-09': {
    min: 0.05,
    max: 0.4,
    of: 'judged',
    source: 'plausible practice: a few police protections past 72 hours or without a designated officer',
  },
  'INV-10': {
    min: 0.01,
    max: 0.25,
    of: 'judged',
    source: "report's 2016 recommendation on conference attendance (plausible practice)",
  },
  'INV-11': { min: 0.1, max: 0.4, of: 'judged', source: 'report: "drift, delays and missed opportunities"' },
  'INV-12': {
    min: 0.15,
    max: 0.45,
    of: 'judged',
    source: 'report: the CEOP referral closed after three weeks (plausible practice)',
  },
  'AUD-01': {
    min: 0.3,
    max: 0.75,
    of: 'judged',
    // A BCU's quarter holds a handful of inadequate audits: below 20 judged the share is noise (3 of 13 at 0.04).
    minJudged: 20,
    source:
      'audits seed: 10 of every 27 inadequate audits not referred back (report: 17% of the 303 referred back, 27% inadequate), referrals answered late in 20% and never in 10% (plausible practice)',
  },
  'AUD-02': {
    min: 0.3,
    max: 0.9,
    of: 'judged',
    minJudged: 20,
    source:
      "audits seed: 70% of a quarter's learning in the next force-wide bulletin, often more than 28 days on, the rest left local (plausible practice); report: only 19% of staff knew of the DIT",
  },
  'STF-01': {
    min: 0.5,
    max: 0.95,
    of: 'judged',
    source:
      'report: the one-week safeguarding course is scheduled for 40% of the staff in safeguarding teams, "no plan to train the remaining 60 percent"; 93 officers trained since April 2018',
  },
  'REC-01': {
    min: 0.4,
    max: 1,
    of: 'judged',
    source:
      'recommendations seed: 10% of milestones met late or not at all (plausible practice); 7 of the 11 recommendations are to act "immediately", a time frame no action plan agreed weeks later meets; report: "in other areas progress has been slow"',
  },
  'RSO-09': {
    min: 0.5,
    max: 1,
    of: 'judged',
    source:
      'report: a ViSOR record at the point of charge is notable practice of one team, not the force’s; no demo generator records ViSOR at charge',
  },
  'ONL-08': {
    min: 0.15,
    max: 0.7,
    of: 'judged',
    source:
      'online seed: the specialist team screened on joining (90%) and within each 12 months (95%); two officers in each child abuse team grade images, 70% never screened, the rest before they began (report: screening offered only to specialists)',
  },
  'ONL-01': {
    min: 0.15,
    max: 0.45,
    of: 'records',
    source:
      'online seed: KIRAT very high or high for 35% of cases (estimate), 94% allocated outside the specialists (report: 77% frontline, 17% child abuse teams, 6% specialists)',
  },
  'ONL-02': {
    min: 0.55,
    max: 0.9,
    of: 'records',
    source:
      'online seed: about 17 days from the address confirmed to the warrant, over the 14-day limit for most, and a tail of months in research (report: "continuing resourcing problems and backlogs"; the IP traced in August, researched in May, the warrant two weeks later)',
  },
  'ONL-03': {
    min: 0.45,
    max: 0.8,
    of: 'judged',
    source:
      'online seed: households safeguarded by 90% of specialists and 45% of others, their PACs within the day in 85%; the rest weeks late or never (report, 2017: the force "frequently failed to make timely referrals")',
  },
  'ONL-04': {
    min: 0.02,
    max: 0.15,
    of: 'records',
    source:
      'online seed: a quarter of suspects with children, half of those households never safeguarded before closing (report: the mother of four, closed three weeks later with no visit or referral)',
  },
  'ONL-05': {
    min: 0.02,
    max: 0.15,
    of: 'records',
    source:
      'online seed-devices: 12% of non-specialist devices never triaged, the rest within ~10 days (report: specialists triage all; plausible practice after the 2018 recommendation)',
  },
  'ONL-06': {
    min: 0.04,
    max: 0.2,
    of: 'records',
    source:
      'report: two of ten devices submitted per warrant, "50 percent ... do not have IIOC on them" (about half the submitted)',
  },
  'ONL-07': {
    min: 0.02,
    max: 0.12,
    of: 'records',
    source:
      'report: "some devices are returned without being checked at all" (the untriaged, about a tenth of those returned)',
  },
  'MIS-01': {
    min: 0.01,
    max: 0.08,
    of: 'records',
    source:
      'plausible practice: about a third of absent gradings with two or more risk factors; report names the failing',
  },
  'MIS-02': {
    min: 0.15,
    max: 0.45,
    of: 'judged',
    source: 'report: "cumulative risk is still sometimes not being considered"',
  },
  'MIS-03': {
    min: 0.5,
    max: 0.85,
    of: 'judged',
    source: 'report: 109 live trigger plans force-wide, none in four boroughs',
  },
  'MIS-04': {
    min: 0.45,
    max: 0.75,
    of: 'judged',
    source: 'report: staff "had not heard of" trigger plans (40% acknowledged, estimate)',
  },
  'MIS-05': { min: 0.1, max: 0.3, of: 'records', source: 'plausible practice: 90% of review times met' },
  'MIS-06': {
    min: 0.12,
    max: 0.35,
    of: 'records',
    source: 'report: "absent children generally do not have prevention interviews"',
  },
  'MIS-07': {
    min: 0.2,
    max: 0.45,
    of: 'records',
    source: 'plausible practice: return home interviews often later than 72 hours',
  },
  'MIS-08': {
    min: 0.01,
    max: 0.2,
    of: 'judged',
    source: "report's 2016 recommendation on the links between missing and CSE",
  },
  'MIS-09': {
    min: 0.05,
    max: 0.2,
    of: 'records',
    source: 'report: every missing episode on Merlin; episodes without a PAC to link',
  },
  'MIS-10': {
    min: 0.01,
    max: 0.25,
    of: 'records',
    source: 'report: four of 32 boroughs had no trigger plans',
  },
  'MIS-11': {
    min: 0.5,
    max: 1,
    of: 'judged',
    source: "report: 77 missing, 3 staff on duty; the live day's unit with one on duty",
  },
  // The offenders seed's rates are of active RSOs, the records these rules judge (those in custody, abroad or
  // ended owe nothing).
  'RSO-01': {
    min: 0.12,
    max: 0.3,
    of: 'judged',
    source:
      'offenders seed: 82% of active RSOs with an ARMS in date, and a few first assessments late (estimate); report: annual reviews treated as "health checks"',
  },
  'RSO-02': {
    min: 0.35,
    max: 0.9,
    of: 'judged',
    source:
      'offenders seed: a new ARMS within 28 days of news in 30% of cases, later in 25% (estimates for the report\'s "frequently not happening")',
  },
  'RSO-03': {
    min: 0.25,
    max: 0.5,
    of: 'judged',
    source:
      'offenders seed: a plan agreed after the latest ARMS in 65% of cases (estimate); report: "many risk management plans that were out of date"',
  },
  'RSO-04': {
    min: 0.5,
    max: 0.8,
    of: 'judged',
    source:
      'offenders seed: two in five visiting intervals overrun, more than half for low risk (estimates), so most RSOs overrun one in the year; report: "reduce the delays in visiting registered sex offenders"',
  },
  'RSO-05': {
    min: 0.5,
    max: 1,
    of: 'judged',
    source:
      'offenders seed: every manager in five areas of 12 holds more than 100; report: "in five areas there are more than 100 offenders to manage per offender manager"',
  },
  'RSO-06': {
    min: 0.3,
    max: 0.9,
    of: 'judged',
    source:
      'offenders seed: social care told within a day in 60% of cases, late in 25%, never in 15% (estimates); report: information "not proactively" shared, one referral after 29 days',
  },
  'RSO-07': {
    min: 0.01,
    max: 0.09,
    of: 'judged',
    source:
      'offenders seed: 3% of yearly notifications late and 1% missed (estimates; the report gives none)',
  },
  'RSO-08': {
    min: 0.0005,
    max: 0.01,
    of: 'records',
    source:
      "offenders seed: about one in 500 active RSOs registered today (at least one an area), on the next day's briefing; the others on the current one, as Kestrel's briefings list every risk level (report: briefings of high and very high risk only)",
  },
}

/**
 * Each kind's share of records with any finding breached (or met late), beside the report's Figure 1 share
 * of cases that required improvement or were inadequate. A rule breach is a narrower test than an
 * inspector's grading and a wider one (every rule, every record), so the bands are wide.
 */
export const breachTargets: Record<string, CalibrationTarget> = {
  pac: { min: 0.35, max: 0.75, source: 'report Figure 1: referrals 40 of 82 not good (49%)' },
  investigation: { min: 0.5, max: 0.9, source: 'report Figure 1: s47 enquiries 33 of 46 not good (72%)' },
  'missing-episode': {
    min: 0.6,
    max: 0.88,
    source: 'report Figure 1: children missing 26 of 35 not good (74%)',
  },
  'custody-detention': { min: 0.8, max: 1, source: 'report Figure 1: children in custody 30 of 30 not good' },
  'online-case': {
    min: 0.7,
    max: 0.95,
    source: 'report: 29 of 34 online cases inadequate or requiring improvement (85%)',
  },
  rso: {
    min: 0.4,
    max: 0.8,
    source: 'report Figure 1: RSO cases 13 of 22 inadequate or requiring improvement (59%)',
  },
}

/**
 * Rules that need a force of at least this scale to raise anything: INV-07 needs an officer's open caseload
 * above the team's capacity (12 in a CAIT), which a force of 0.04 spread over its teams never reaches.
 */
export const smallestScale: Record<string, number> = { 'INV-07': 0.1 }

/** Rules outside their band, each with its share: empty when the demo is calibrated. */
export function outsideBand(rates: readonly RuleRate[], scale = 0.1): string[] {
  const exempt = (id: string) => (smallestScale[id] ?? 0) > scale
  return rates.flatMap((r) => {
    const t = calibrationTargets[r.ruleId]
    const value = t?.of === 'judged' ? r.shareJudged : r.share
    const share = `${r.ruleId} ${(value * 100).toFixed(1)}%`
    if (r.raising === 0) return exempt(r.ruleId) ? [] : [`${share} (raises nothing)`]
    // A band is a rate: over fewer records than the band asks for (a small force), it is not checked.
    if (t?.minJudged && r.judged < t.minJudged) return []
    if (t && !exempt(r.ruleId) && (value < t.min || value > t.max)) return [share]
    return []
  })
}

/** Kinds whose share of records with any breach is outside its band. */
export function kindsOutsideBand(kinds: readonly KindRate[]): string[] {
  return kinds.flatMap((k) => {
    const t = breachTargets[k.kind]
    return t && (k.share < t.min || k.share > t.max) ? [`${k.kind} ${(k.share * 100).toFixed(1)}%`] : []
  })
}
