import { breachedAtOf, type ObligationState, type ObligationTimes } from './finding-state.ts'

/**
 * The life of a finding, as pure functions: what a stored finding becomes when evaluation sees its
 * obligation again (or no longer sees it). The state of an obligation at an instant is in finding-state.ts.
 */

export { breachedAtOf, type ObligationState, type ObligationTimes, obligationState } from './finding-state.ts'

export type FindingStatus = ObligationState | 'acknowledged' | 'resolved_auto' | 'resolved_by_supervisor'
export type FindingEventKind =
  | 'opened'
  | 'breached'
  | 'acknowledged'
  | 'resolved_auto'
  | 'resolved_by_supervisor'
  | 'reopened'
  | 'met'

export const openStatuses: readonly FindingStatus[] = ['due', 'breached', 'acknowledged']
export const findingStatuses: readonly FindingStatus[] = [
  'due',
  'breached',
  'acknowledged',
  'met',
  'met_late',
  'resolved_auto',
  'resolved_by_supervisor',
]

export const statusLabels: Record<FindingStatus, string> = {
  due: 'Due',
  breached: 'Breached',
  acknowledged: 'Acknowledged',
  met: 'Met',
  met_late: 'Met late',
  resolved_auto: 'Resolved',
  resolved_by_supervisor: 'Resolved by supervisor',
}

export interface StoredFinding {
  status: FindingStatus
  dueAt: Date | null
  breachedAt: Date | null
  metAt: Date | null
  closedAt: Date | null
}

export interface FindingTransition {
  status: FindingStatus
  breachedAt: Date | null
  metAt: Date | null
  closedAt: Date | null
  events: { event: FindingEventKind; at: Date }[]
}

const sameTime = (a: Date | null, b: Date | null) => (a?.getTime() ?? null) === (b?.getTime() ?? null)

/**
 * What a finding becomes. `obligation` undefined: evaluation no longer finds it (fixed, or the record no
 * longer matches). Events are dated by the data (opened at the start, breached at the due time, met when
 * met), so evaluating late or twice writes the same history; only automatic resolution and reopening,
 * which the data cannot date, take the evaluation instant.
 */
export function transition(
  existing: StoredFinding | undefined,
  obligation: (ObligationTimes & { state: ObligationState }) | undefined,
  asOf: Date,
): FindingTransition | undefined {
  if (!obligation) {
    if (!existing || !openStatuses.includes(existing.status)) return undefined
    return {
      status: 'resolved_auto',
      breachedAt: existing.breachedAt,
      metAt: existing.metAt,
      closedAt: asOf,
      events: [{ event: 'resolved_auto', at: asOf }],
    }
  }
  const { state } = obligation
  const breachedAt = breachedAtOf(obligation, state)
  const metAt = state === 'met' || state === 'met_late' ? obligation.metAt : null
  const closedAt = metAt
  const fresh: FindingTransition = { status: state, breachedAt, metAt, closedAt, events: [] }
  const met = { event: 'met' as const, at: metAt as Date }
  const breach = { event: 'breached' as const, at: breachedAt as Date }
  if (!existing) {
    fresh.events.push({ event: 'opened', at: obligation.startedAt })
    if (breachedAt) fresh.events.push(breach)
    if (metAt) fresh.events.push(met)
    return fresh
  }
  switch (existing.status) {
    case 'resolved_by_supervisor':
      // The supervisor's decision stands for the obligation they saw; a new due time is a new obligation.
      if (sameTime(existing.dueAt, obligation.dueAt)) return undefined
      return reopen(fresh, breach, met, asOf)
    case 'resolved_auto':
    case 'met':
    case 'met_late':
      if (existing.status === state && sameTime(existing.metAt, metAt)) return undefined
      if (state === 'met' || state === 'met_late')
        return { ...fresh, events: existing.status === state ? [] : [met] }
      return reopen(fresh, breach, met, asOf)
    case 'acknowledged':
      if (state === 'due' || state === 'breached') {
        // Acknowledged stays acknowledged until the work is done, but a breach is still recorded.
        if (sameTime(existing.breachedAt, breachedAt)) return undefined
        return {
          status: 'acknowledged',
          breachedAt,
          metAt: null,
          closedAt: null,
          events: breachedAt && !existing.breachedAt ? [breach] : [],
        }
      }
      return { ...fresh, events: breachedAt && !existing.breachedAt ? [breach, met] : [met] }
    default: {
      // due or breached
      if (existing.status === state && sameTime(existing.breachedAt, breachedAt)) return undefined
      if (breachedAt && !existing.breachedAt) fresh.events.push(breach)
      if (metAt) fresh.events.push(met)
      return fresh
    }
  }
}

function reopen(
  fresh: FindingTransition,
  breach: { event: 'breached'; at: Date },
  met: { event: 'met'; at: Date },
  asOf: Date,
): FindingTransition {
  if (fresh.metAt) return { ...fresh, events: [met] }
  const reopened = { event: 'reopened' as const, at: asOf }
  return { ...fresh, events: fresh.breachedAt ? [reopened, breach] : [reopened] }
}
