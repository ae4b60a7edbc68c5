import { describe, expect, it } from 'vitest'
import {
  type FindingStatus,
  type ObligationTimes,
  obligationState,
  type StoredFinding,
  transition,
} from './lifecycle.ts'

const at = (hh: number) => new Date(Date.UTC(2024, 2, 4, hh))
const obligation = (o: Partial<ObligationTimes> = {}): ObligationTimes => ({
  startedAt: at(8),
  dueAt: at(12),
  metAt: null,
  ...o,
})

describe('obligationState', () => {
  it.each([
    ['not started yet', obligation({ startedAt: at(10) }), at(9), undefined],
    ['due before the due time', obligation(), at(11), 'due'],
    ['breached at the due time exactly', obligation(), at(12), 'breached'],
    ['breached after it', obligation(), at(13), 'breached'],
    ['met in time', obligation({ metAt: at(10) }), at(13), 'met'],
    ['met at the due time exactly is in time', obligation({ metAt: at(12) }), at(13), 'met'],
    ['met late', obligation({ metAt: at(14) }), at(15), 'met_late'],
    ['a meeting after asOf has not happened', obligation({ metAt: at(14) }), at(13), 'breached'],
    ['no due time: breached on sight', obligation({ dueAt: null }), at(8), 'breached'],
    ['no due time, met', obligation({ dueAt: null, metAt: at(9) }), at(10), 'met'],
  ])('%s', (_name, o, asOf, expected) => {
    expect(obligationState(o, asOf)).toBe(expected)
  })
})

const stored = (status: FindingStatus, s: Partial<StoredFinding> = {}): StoredFinding => ({
  status,
  dueAt: at(12),
  breachedAt: status === 'breached' ? at(12) : null,
  metAt: null,
  closedAt: ['due', 'breached', 'acknowledged'].includes(status) ? null : at(13),
  ...s,
})
const seen = (o: Partial<ObligationTimes>, asOf: Date) => {
  const times = obligation(o)
  const state = obligationState(times, asOf)
  if (!state) throw new Error('not started')
  return { ...times, state }
}
const summary = (t: ReturnType<typeof transition>) =>
  t ? `${t.status}: ${t.events.map((e) => `${e.event}@${e.at.getUTCHours()}`).join(' ')}` : 'unchanged'

describe('transition', () => {
  it.each([
    ['new and due', undefined, seen({}, at(9)), at(9), 'due: opened@8'],
    ['new and already breached', undefined, seen({}, at(13)), at(13), 'breached: opened@8 breached@12'],
    [
      'new and met late',
      undefined,
      seen({ metAt: at(14) }, at(15)),
      at(15),
      'met_late: opened@8 breached@12 met@14',
    ],
    ['due stays due', stored('due'), seen({}, at(10)), at(10), 'unchanged'],
    ['due becomes breached', stored('due'), seen({}, at(12)), at(12), 'breached: breached@12'],
    ['due becomes met', stored('due'), seen({ metAt: at(11) }, at(11)), at(11), 'met: met@11'],
    [
      'breached becomes met late',
      stored('breached'),
      seen({ metAt: at(14) }, at(14)),
      at(14),
      'met_late: met@14',
    ],
    ['breached stays breached', stored('breached'), seen({}, at(14)), at(14), 'unchanged'],
    [
      'breached, due time extended: due again',
      stored('breached'),
      seen({ dueAt: at(20) }, at(14)),
      at(14),
      'due: ',
    ],
    [
      'open and gone: resolved automatically',
      stored('breached'),
      undefined,
      at(15),
      'resolved_auto: resolved_auto@15',
    ],
    ['closed and gone: unchanged', stored('met', { metAt: at(10) }), undefined, at(15), 'unchanged'],
    [
      'resolved automatically, breaches again: reopened',
      stored('resolved_auto'),
      seen({}, at(16)),
      at(16),
      'breached: reopened@16 breached@12',
    ],
    [
      'met, then the meeting is removed: reopened',
      stored('met', { metAt: at(10) }),
      seen({}, at(11)),
      at(11),
      'due: reopened@11',
    ],
    [
      'acknowledged stays acknowledged but records the breach',
      stored('acknowledged'),
      seen({}, at(13)),
      at(13),
      'acknowledged: breached@12',
    ],
    [
      'acknowledged then met',
      stored('acknowledged', { breachedAt: at(12) }),
      seen({ metAt: at(14) }, at(14)),
      at(14),
      'met_late: met@14',
    ],
    [
      'supervisor-resolved stands while the obligation is the same',
      stored('resolved_by_supervisor'),
      seen({}, at(16)),
      at(16),
      'unchanged',
    ],
    [
      'supervisor-resolved, new due time and breached: reopened',
      stored('resolved_by_supervisor'),
      seen({ dueAt: at(14) }, at(16)),
      at(16),
      'breached: reopened@16 breached@14',
    ],
  ] as const)('%s', (_name, existing, o, asOf, expected) => {
    expect(summary(transition(existing, o, asOf))).toBe(expected)
  })
})
