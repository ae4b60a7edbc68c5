import type { Judgement, Theme } from './criteria.ts'

/*
 * The auditor starts from the facts: each of Kestrel's findings on the case (a rule, its status and dates) is
 * put under the theme its rule is about, in the theme's note, and a theme with a finding that was breached
 * starts as "not met" (the auditor may change it). The theme is read from the rule's title, as the report
 * groups its failings; a rule that names none of them is about investigation and timeliness.
 */

export interface FindingFact {
  ruleId: string
  ruleTitle: string
  status: string
  openedAt: Date
  dueAt: Date | null
  breachedAt: Date | null
  closedAt: Date | null
}

const themeWords: [Theme, RegExp][] = [
  ['child_seen_and_heard', /\b(seen|spoken|voice|views|interview)/i],
  ['strategy_and_multi_agency', /\b(strategy|conference|MASH|MAPPA|multi-agency|partner)/i],
  ['information_sharing', /\b(referr|shar|notif|social care|feedback|informed|told)/i],
  ['risk_assessment', /\b(risk|grad|assess|ARMS|KIRAT|BRAG)/i],
  ['supervision', /\b(supervis|review)/i],
  ['initial_response', /\b(first|initial|attend|response|arriv|appropriate adult)/i],
  ['outcome_for_child', /\b(outcome|closed|no further action|transfer|accommodation|safety plan)/i],
]

export function themeOfRule(title: string): Theme {
  return themeWords.find(([, words]) => words.test(title))?.[0] ?? 'investigation_and_timeliness'
}

const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : null)

/** One line a finding: "INV-05 Child not seen and spoken to: breached (opened 2018-08-01, due ..., breached ...)". */
export function findingLine(f: FindingFact): string {
  const dates = [
    `opened ${day(f.openedAt)}`,
    f.dueAt ? `due ${day(f.dueAt)}` : null,
    f.breachedAt ? `breached ${day(f.breachedAt)}` : null,
    f.closedAt ? `closed ${day(f.closedAt)}` : null,
  ].filter(Boolean)
  return `${f.ruleId} ${f.ruleTitle}: ${f.status.replaceAll('_', ' ')} (${dates.join(', ')})`
}

export interface Prefill {
  judgement: Judgement | null
  note: string
}

export function prefill(findings: readonly FindingFact[]): Partial<Record<Theme, Prefill>> {
  const out: Partial<Record<Theme, Prefill>> = {}
  for (const f of [...findings].sort((a, b) => a.openedAt.getTime() - b.openedAt.getTime())) {
    const theme = themeOfRule(f.ruleTitle)
    const held = out[theme] ?? { judgement: null, note: '' }
    out[theme] = {
      judgement:
        f.breachedAt || f.status === 'breached' || f.status === 'met_late' ? 'not_met' : held.judgement,
      note: held.note ? `${held.note}\n${findingLine(f)}` : `Kestrel: ${findingLine(f)}`,
    }
  }
  return out
}
