import { type OutcomeCode, outcomeGroup } from '../investigations/investigation.ts'

/** Where an online case came from. */
export const sources = ['nca_referral', 'bellona', 'other_force', 'public_report'] as const
export type Source = (typeof sources)[number]
export const sourceLabels: Record<Source, string> = {
  nca_referral: 'CEOP/NCA referral',
  bellona: 'Operation Bellona',
  other_force: 'Another force',
  public_report: 'Report from the public',
}

/** What was found, as far as anyone outside the specialist team is told. */
export const materialCategories = [
  'category_a',
  'category_b',
  'category_c',
  'ungraded',
  'grooming',
  'other',
] as const
export type MaterialCategory = (typeof materialCategories)[number]
export const materialCategoryLabels: Record<MaterialCategory, string> = {
  category_a: 'Indecent images, category A',
  category_b: 'Indecent images, category B',
  category_c: 'Indecent images, category C',
  ungraded: 'Indecent images, not yet graded',
  grooming: 'Grooming or sexual communication',
  other: 'Other online sexual abuse',
}

export const identifierKinds = ['account', 'ip_address', 'email', 'phone', 'other'] as const

export const kiratLevels = ['very_high', 'high', 'medium', 'low'] as const
export type KiratLevel = (typeof kiratLevels)[number]
export const kiratLabels: Record<KiratLevel, string> = {
  very_high: 'Very high',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
}
/** Force policy (ONL-01): these go to the specialist teams. */
export const specialistLevels: readonly KiratLevel[] = ['very_high', 'high']

/** The stages of an online case, in their order. */
export const stages = [
  'received',
  'awaiting_research',
  'awaiting_communications_data',
  'address_confirmed',
  'ready_for_allocation',
  'allocated',
  'warrant_executed',
  'devices_seized',
  'triage',
  'examination',
  'outcome',
  'closed',
] as const
export type Stage = (typeof stages)[number]
export const stageLabels: Record<Stage, string> = {
  received: 'Received',
  awaiting_research: 'Awaiting research',
  awaiting_communications_data: 'Awaiting communications data',
  address_confirmed: 'Address confirmed',
  ready_for_allocation: 'Ready for allocation',
  allocated: 'Allocated',
  warrant_executed: 'Warrant executed',
  devices_seized: 'Devices seized',
  triage: 'Triage',
  examination: 'Examination',
  outcome: 'Charge or other outcome',
  closed: 'Closed',
}
/** The stages a case can be open in: every stage but closed. */
export const openStages = stages.filter((s) => s !== 'closed')

/**
 * Each stage's place in the order. Research and communications data share one: a case goes back and forth
 * between them while the suspect is traced (a second IP address, a second request to a provider).
 */
const rank: Record<Stage, number> = {
  received: 0,
  awaiting_research: 1,
  awaiting_communications_data: 1,
  address_confirmed: 2,
  ready_for_allocation: 3,
  allocated: 4,
  warrant_executed: 5,
  devices_seized: 6,
  triage: 7,
  examination: 8,
  outcome: 9,
  closed: 10,
}

/** Stages that need another to have happened first (a stage may otherwise be skipped). */
const needs: Partial<Record<Stage, { stage: Stage; reason: string }>> = {
  warrant_executed: {
    stage: 'address_confirmed',
    reason: 'a warrant cannot be executed before the address is confirmed',
  },
  devices_seized: {
    stage: 'address_confirmed',
    reason: 'devices cannot be seized before the address is confirmed',
  },
  triage: { stage: 'devices_seized', reason: 'there is no triage before devices are seized' },
  examination: { stage: 'devices_seized', reason: 'there is no examination before devices are seized' },
}

/** The team kinds the report counts investigations by. */
export const teamKinds = ['specialist', 'child_abuse_team', 'frontline'] as const
export type TeamKind = (typeof teamKinds)[number]
export const teamKindLabels: Record<TeamKind, string> = {
  specialist: 'Specialist online team',
  child_abuse_team: 'Child abuse investigation team',
  frontline: 'Frontline',
}

/**
 * The report's three kinds of investigator from the organisation's team kinds: the online CSAE team is the
 * central specialists, a CAIT the child abuse team, and every other team (response, neighbourhood, Sapphire,
 * MASH...) frontline for these cases.
 */
export function teamKindOf(organisationKind: string): TeamKind {
  if (organisationKind === 'online_csae') return 'specialist'
  if (organisationKind === 'cait') return 'child_abuse_team'
  return 'frontline'
}

/** Does this allocation go against the policy (ONL-01), so it needs a recorded reason? */
export function allocationAgainstPolicy(level: KiratLevel | null, kind: TeamKind): boolean {
  return level !== null && specialistLevels.includes(level) && kind !== 'specialist'
}

/** The report's outcome groups: the investigations module's mapping of the Home Office codes. */
export type OutcomeKind = 'positive' | 'no_further_action' | 'no_crime'
export const outcomeKindLabels: Record<OutcomeKind, string> = {
  no_further_action: 'No further action',
  no_crime: 'No crime',
  positive: 'Positive outcome',
}
/** A transfer to another force is not an outcome of this force's investigation: it is left out (null). */
export function outcomeKindOf(code: OutcomeCode): OutcomeKind | null {
  const group = outcomeGroup(code)
  return group === 'transferred' ? null : group
}

/** One stage change as the order check sees it. */
export interface StageChange {
  stage: Stage
  at: Date
}

/**
 * The problems with stage changes added to a case's stages so far (`held`, oldest first, starting with the
 * case's receipt): each new change must be dated at or after the one before, never in the future, come no
 * earlier in the order than the stage the case is in, and follow the stages it needs. Nothing may follow
 * closing. Problems are named by the new change's index.
 */
export function stageOrderErrors(
  held: readonly StageChange[],
  added: readonly StageChange[],
  now: Date,
): { index: number; field: 'stage' | 'at'; reason: string }[] {
  const errors: { index: number; field: 'stage' | 'at'; reason: string }[] = []
  const seen = new Set(held.map((h) => h.stage))
  let last = held.at(-1)
  const received = held[0]?.at
  added.forEach((change, index) => {
    if (change.at > now) errors.push({ index, field: 'at', reason: 'must not be in the future' })
    else if (received && change.at < received)
      errors.push({ index, field: 'at', reason: 'must not be before the case was received' })
    else if (last && change.at < last.at)
      errors.push({
        index,
        field: 'at',
        reason: `must not be before the previous stage (${stageLabels[last.stage].toLowerCase()})`,
      })
    if (change.stage === 'received')
      errors.push({ index, field: 'stage', reason: 'a case is received once, when it is recorded' })
    else if (last?.stage === 'closed')
      errors.push({ index, field: 'stage', reason: 'the case is closed: nothing follows closing' })
    else if (last && rank[change.stage] < rank[last.stage])
      errors.push({
        index,
        field: 'stage',
        reason: `${stageLabels[change.stage].toLowerCase()} cannot come after ${stageLabels[last.stage].toLowerCase()}`,
      })
    else {
      const need = needs[change.stage]
      if (need && !seen.has(need.stage)) errors.push({ index, field: 'stage', reason: need.reason })
    }
    seen.add(change.stage)
    last = change
  })
  return errors
}
