import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabase } from '../../test/database.ts'
import type { DatabaseHandle } from './db/database.ts'
import { mostUrgentFirst, type Urgency, urgencySql } from './urgency.ts'

const now = new Date('2026-12-06T10:00:00Z')
const at = (hours: number) => new Date(now.getTime() + hours * 3_600_000)

/** Work of every standing: not yet due, due this instant, late by its due time or by a breach, none due. */
const items: (Urgency & { name: string; risk: number })[] = [
  { name: 'late a year', dueAt: at(-24 * 365), breachedAt: null, risk: 2 },
  { name: 'due in 5 h', dueAt: at(5), breachedAt: null, risk: 0 },
  { name: 'due in 5 h, high', dueAt: at(5), breachedAt: null, risk: 2 },
  { name: 'breached an hour ago, due a week ago', dueAt: at(-24 * 7), breachedAt: at(-1), risk: 1 },
  { name: 'no due time', dueAt: null, breachedAt: null, risk: 1 },
  { name: 'due now', dueAt: now, breachedAt: null, risk: 1 },
  { name: 'due in 1 h', dueAt: at(1), breachedAt: null, risk: 1 },
  { name: 'late a day', dueAt: at(-24), breachedAt: null, risk: 1 },
  { name: 'late a day, high', dueAt: at(-24), breachedAt: null, risk: 2 },
  { name: 'breached on sight, no due time', dueAt: null, breachedAt: at(-3), risk: 1 },
]

describe('the order of a queue of work, in SQL', () => {
  let handle: DatabaseHandle
  beforeAll(async () => {
    handle = await testDatabase()
  })
  afterAll(() => handle.close())

  it('orders rows as byUrgency does', async () => {
    const rows = sql.join(
      items.map(
        (i) =>
          sql`(${i.name}, ${i.dueAt}::timestamptz, ${i.breachedAt ?? null}::timestamptz, ${i.risk}::int)`,
      ),
    )
    const u = urgencySql(
      { dueAt: sql.ref('due_at'), breachedAt: sql.ref('breached_at'), risk: sql.ref('risk') },
      now,
    )
    const { rows: ordered } = await sql<{ name: string }>`
      select name from (values ${rows}) as work(name, due_at, breached_at, risk)
      order by ${u.group}, ${u.soonest} asc, ${u.latest} desc, ${u.risk} desc`.execute(handle.db)
    const expected = mostUrgentFirst(items, now, (i) => i).map((i) => i.name)
    expect(ordered.map((r) => r.name)).toEqual(expected)
    expect(expected).toEqual([
      'due in 1 h',
      'due in 5 h, high',
      'due in 5 h',
      'due now',
      'breached an hour ago, due a week ago',
      'breached on sight, no due time',
      'late a day, high',
      'late a day',
      'late a year',
      'no due time',
    ])
  })
})
