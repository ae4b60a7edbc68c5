import { describe, expect, it } from 'vitest'
import { byUrgency, mostUrgentFirst, type Urgency } from './urgency.ts'

const now = new Date('2026-12-06T10:00:00Z')
const at = (hours: number) => new Date(now.getTime() + hours * 3_600_000)
const minute = 60_000

describe('the order of a queue of work', () => {
  it('puts work not yet due first, soonest due first; then late work, the most recently late first', () => {
    const items: (Urgency & { name: string })[] = [
      { name: 'late a year', dueAt: at(-24 * 365) },
      { name: 'due in 5 h', dueAt: at(5) },
      { name: 'late an hour', dueAt: at(-1) },
      { name: 'no due time', dueAt: null },
      { name: 'due in 1 h', dueAt: at(1) },
      { name: 'late a day', dueAt: at(-24) },
    ]
    expect(mostUrgentFirst(items, now, (i) => i).map((i) => i.name)).toEqual([
      'due in 1 h',
      'due in 5 h',
      'late an hour',
      'late a day',
      'late a year',
      'no due time',
    ])
  })

  it('counts work due this minute as late, and a minute before as not yet due', () => {
    const compare = byUrgency(now)
    const dueNow = { dueAt: now }
    const dueSoon = { dueAt: new Date(now.getTime() + minute) }
    const lateAMinute = { dueAt: new Date(now.getTime() - minute) }
    // Not yet due before anything late; of the late, due now (late 0 min) before late a minute.
    expect([lateAMinute, dueNow, dueSoon].sort(compare)).toEqual([dueSoon, dueNow, lateAMinute])
  })

  it('orders late work by when it was breached where that is known, not by its due time', () => {
    const items = [
      { name: 'due long ago, breached an hour ago', dueAt: at(-100), breachedAt: at(-1) },
      { name: 'due yesterday, breached yesterday', dueAt: at(-24), breachedAt: at(-24) },
    ]
    expect(mostUrgentFirst(items, now, (i) => i).map((i) => i.name)).toEqual([
      'due long ago, breached an hour ago',
      'due yesterday, breached yesterday',
    ])
  })

  it('puts higher risk first among work equally urgent, and keeps the order of equals', () => {
    const items = [
      { name: 'low', dueAt: at(2), risk: 1 },
      { name: 'high', dueAt: at(2), risk: 3 },
      { name: 'no time, medium', dueAt: null, risk: 2 },
      { name: 'no time, high', dueAt: null, risk: 3 },
      { name: 'no time, high too', dueAt: null, risk: 3 },
    ]
    expect(mostUrgentFirst(items, now, (i) => i).map((i) => i.name)).toEqual([
      'high',
      'low',
      'no time, high',
      'no time, high too',
      'no time, medium',
    ])
  })
})
