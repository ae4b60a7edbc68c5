import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabase } from '../../test/database.ts'
import type { DatabaseHandle } from '../platform/db/database.ts'
import { seededRandom } from '../platform/seed/random.ts'
import { type WorkingDayCalendar, workingDayCalendar } from './calendar.ts'
import { addWorkingDaysJoin, workingDaysDue } from './sql-time.ts'
import { ensureWorkingDays } from './working-days.ts'

let handle: DatabaseHandle

beforeAll(async () => {
  handle = await testDatabase()
})
afterAll(async () => {
  await handle.close()
})

/** addWorkingDays in SQL, for many instants at once, in the order given. */
async function inSql(cases: readonly { at: Date; n: number }[]): Promise<Date[]> {
  const n = sql.ref('c.n')
  const { rows } = await sql<{ i: number; due: Date }>`
    select c.i, ${workingDaysDue('due', 'c.at', n)} as due
    from unnest(cast(${cases.map((c) => c.at.toISOString())} as timestamptz[]),
      cast(${cases.map((c) => c.n)} as integer[])) with ordinality as c(at, n, i)
    ${addWorkingDaysJoin('due', 'c.at', n)}
    order by c.i`.execute(handle.db)
  return rows.map((r) => r.due)
}

function randomCases(seed: number, count: number) {
  const random = seededRandom(seed)
  const from = Date.parse('2015-01-01T00:00:00Z')
  const to = Date.parse('2030-12-31T00:00:00Z')
  return Array.from({ length: count }, () => ({
    at: new Date(from + Math.floor(random.next() * (to - from))),
    n: random.int(0, 11),
  }))
}

async function expectAgreement(calendar: WorkingDayCalendar, cases: readonly { at: Date; n: number }[]) {
  await ensureWorkingDays(handle.db, handle.db, calendar)
  const got = await inSql(cases)
  expect(got).toHaveLength(cases.length)
  const wrong = cases
    .map((c, i) => ({
      ...c,
      sql: got[i]?.toISOString(),
      js: calendar.addWorkingDays(c.at, c.n).toISOString(),
    }))
    .filter((c) => c.sql !== c.js)
  expect(wrong).toEqual([])
}

describe('working days in SQL', () => {
  it('agrees with the calendar across weekends and bank holidays', async () => {
    const calendar = workingDayCalendar()
    const cases = [
      // Friday before the August 2018 bank holiday (Monday 27th): one working day is Tuesday.
      { at: new Date('2018-08-24T16:00:00+01:00'), n: 1 },
      // A Saturday: the next working day is Monday.
      { at: new Date('2018-08-18T10:00:00+01:00'), n: 1 },
      // Zero working days from a Sunday is the instant itself.
      { at: new Date('2018-08-19T10:00:00+01:00'), n: 0 },
      // Across Christmas and New Year.
      { at: new Date('2018-12-24T09:00:00Z'), n: 3 },
      // Late evening in summer time is the next day in UTC terms' calendar, but London's date counts.
      { at: new Date('2018-06-29T23:30:00Z'), n: 1 },
      // Across the clocks going back.
      { at: new Date('2018-10-26T12:00:00+01:00'), n: 2 },
    ]
    await expectAgreement(calendar, [...cases, ...randomCases(2018, 2000)])
  })

  it('follows a replaced calendar, and back', async () => {
    // A made-up holiday on Tuesday 28 August 2018 moves one working day after Friday 24th to Wednesday.
    const replaced = workingDayCalendar(['2018-08-27', '2018-08-28'])
    const friday = new Date('2018-08-24T16:00:00+01:00')
    await ensureWorkingDays(handle.db, handle.db, replaced)
    expect((await inSql([{ at: friday, n: 1 }]))[0]?.toISOString()).toBe('2018-08-29T15:00:00.000Z')
    await expectAgreement(replaced, randomCases(7, 500))
    const builtIn = workingDayCalendar()
    await ensureWorkingDays(handle.db, handle.db, builtIn)
    expect((await inSql([{ at: friday, n: 1 }]))[0]?.toISOString()).toBe('2018-08-28T15:00:00.000Z')
  })
})
