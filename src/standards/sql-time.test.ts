import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabase } from '../../test/database.ts'
import type { DatabaseHandle } from '../platform/db/database.ts'
import { seededRandom } from '../platform/seed/random.ts'
import { addDays, addHours, addLondonDays, addMonths, londonDate, londonInstant } from '../platform/time.ts'
import {
  afterMonthsOf,
  hoursBetweenText,
  hoursText,
  hoursTextSql,
  isoText,
  londonDateOf,
  londonDayText,
  londonMidnightOf,
  londonMonthText,
  numberText,
  plural,
  pluralText,
  plusHours,
  plusLondonDays,
  plusMilliseconds,
  plusMonthsDate,
} from './sql-time.ts'

let handle: DatabaseHandle

beforeAll(async () => {
  handle = await testDatabase()
})
afterAll(async () => {
  await handle.close()
})

const at = sql.ref('c.at')
const to = sql.ref('c.until')
const x = sql.ref('c.x')

/** One SQL expression over many cases: c.at and c.to are instants, c.x a double, in the order given. */
async function each<T>(
  cases: readonly { at?: Date; to?: Date; x?: number }[],
  expression: ReturnType<typeof sql>,
): Promise<T[]> {
  const { rows } = await sql<{ v: T }>`
    select ${expression} as v
    from unnest(cast(${cases.map((c) => (c.at ?? new Date(0)).toISOString())} as timestamptz[]),
      cast(${cases.map((c) => (c.to ?? new Date(0)).toISOString())} as timestamptz[]),
      cast(${cases.map((c) => c.x ?? 0)} as double precision[])) with ordinality as c(at, until, x, i)
    order by c.i`.execute(handle.db)
  return rows.map((r) => r.v)
}

const random = seededRandom(14)
const someInstants = (count: number) => {
  const from = Date.parse('2015-01-01T00:00:00Z')
  const span = Date.parse('2030-12-31T00:00:00Z') - from
  return Array.from({ length: count }, () => new Date(from + Math.floor(random.next() * span)))
}

describe('adding to instants', () => {
  const hours = [0, 1, 6, 9, 24, 36, 72, 96, 0.5, 1.5, 2.25, 1 / 3, 0.1, 23.999, -1, 168]

  it('plusHours is addHours, to the millisecond', async () => {
    const cases = someInstants(200).flatMap((instant) => hours.map((h) => ({ at: instant, x: h })))
    const inSql = await each<Date>(cases, plusHours(at, x))
    expect(inSql.map((d) => new Date(d).toISOString())).toEqual(
      cases.map((c) => addHours(c.at, c.x).toISOString()),
    )
  })

  it('takes a column by name too', async () => {
    const instant = new Date('2024-03-30T22:00:00.123Z')
    const [due] = await each<Date>([{ at: instant, x: 6 }], plusHours('c.at', sql.ref('c.x')))
    expect(new Date(due as Date).toISOString()).toBe('2024-03-31T04:00:00.123Z')
  })

  it('plusMilliseconds adds elapsed time across a clock change', async () => {
    const instant = londonInstant('2024-10-26', '12:00')
    const [due] = await each<Date>([{ at: instant, x: 86_400_000 }], plusMilliseconds(at, x))
    expect(new Date(due as Date).toISOString()).toBe('2024-10-27T11:00:00.000Z')
  })
})

describe('London days', () => {
  it('londonDateOf is londonDate', async () => {
    const instants = [
      ...someInstants(300),
      new Date('2024-06-07T23:30:00Z'),
      new Date('2024-03-31T00:59:59Z'),
      new Date('2024-10-27T00:30:00Z'),
      new Date('2024-01-15T23:59:59.999Z'),
    ]
    const inSql = await each<string>(
      instants.map((i) => ({ at: i })),
      sql`cast(${londonDateOf(at)} as text)`,
    )
    expect(inSql).toEqual(instants.map(londonDate))
  })

  it('londonMidnightOf is londonInstant at midnight', async () => {
    const dates = ['2024-01-15', '2024-03-31', '2024-04-01', '2024-06-15', '2024-10-27', '2024-10-28']
    const { rows } = await sql<{ v: Date }>`
      select ${londonMidnightOf(sql.ref('d.day'))} as v
      from unnest(cast(${dates} as date[])) with ordinality as d(day, i) order by d.i`.execute(handle.db)
    expect(rows.map((r) => new Date(r.v).toISOString())).toEqual(
      dates.map((d) => londonInstant(d).toISOString()),
    )
  })

  it('londonDayText words the London day with no padding, and londonMonthText names its month', async () => {
    // 23:30 UTC on 31 May is 1 June in London (BST); May is padded to nine letters without FM on the month.
    const instants = [
      new Date('2019-05-31T23:30:00Z'),
      new Date('2019-05-01T12:00:00Z'),
      new Date('2018-12-31T23:59:59Z'),
    ]
    const words = await each<string>(
      instants.map((i) => ({ at: i })),
      sql`${londonDayText(at)}`,
    )
    expect(words).toEqual(['1 June 2019', '1 May 2019', '31 December 2018'])
    const months = await each<string>(
      instants.map((i) => ({ at: i })),
      sql`${londonMonthText(at)}`,
    )
    expect(months).toEqual(['2019-06', '2019-05', '2018-12'])
  })
})

describe('London days on instants', () => {
  it('plusLondonDays is addLondonDays, across the clock changes', async () => {
    const cases: [Date, number][] = [
      [new Date('2024-03-30T12:00:00Z'), 1],
      [new Date('2024-10-26T23:30:00Z'), 1],
      [new Date('2024-03-01T09:15:00Z'), 28],
      [new Date('2024-10-27T00:30:00Z'), 7],
      [new Date('2024-06-07T23:30:00Z'), -3],
    ]
    const { rows } = await sql<{ v: Date }>`
      select ${plusLondonDays(sql.ref('c.at'), sql.ref('c.days'))} as v
      from unnest(cast(${cases.map((c) => c[0].toISOString())} as timestamptz[]),
        cast(${cases.map((c) => c[1])} as int[])) with ordinality as c(at, days, i) order by c.i`.execute(
      handle.db,
    )
    expect(rows.map((r) => new Date(r.v).toISOString())).toEqual(
      cases.map(([at, n]) => addLondonDays(at, n).toISOString()),
    )
  })
})

describe('calendar months', () => {
  const cases: [string, number][] = [
    ['2018-01-31', 1],
    ['2020-01-31', 1],
    ['2018-03-15', 12],
    ['2019-02-28', 12],
    ['2020-02-29', 12],
    ['2018-12-31', 2],
    ['2018-05-31', -3],
    ['2018-10-27', 6],
  ]
  it('plusMonthsDate is addMonths, and afterMonthsOf begins the day after the anniversary', async () => {
    const { rows } = await sql<{ date: string; after: Date }>`
      select cast(${plusMonthsDate(sql.ref('c.day'), sql.ref('c.months'))} as text) as date,
        ${afterMonthsOf(sql.ref('c.day'), sql.ref('c.months'))} as after
      from unnest(cast(${cases.map((c) => c[0])} as date[]), cast(${cases.map((c) => c[1])} as int[]))
        with ordinality as c(day, months, i) order by c.i`.execute(handle.db)
    expect(rows.map((r) => r.date)).toEqual(cases.map(([d, n]) => addMonths(d, n)))
    expect(rows.map((r) => new Date(r.after).toISOString())).toEqual(
      cases.map(([d, n]) => londonInstant(addDays(addMonths(d, n), 1)).toISOString()),
    )
    expect(addMonths('2018-01-31', 1)).toBe('2018-02-28')
    expect(addMonths('2020-01-31', 1)).toBe('2020-02-29')
    expect(addMonths('2018-05-31', -3)).toBe('2018-02-28')
  })
})

describe('words', () => {
  it.each([
    [1, '1 hour'],
    [0, '0 hours'],
    [6, '6 hours'],
    [2.5, '2.5 hours'],
    [0.25, '0.3 hours'],
    [1.05, '1.1 hours'],
    [36, '36 hours'],
  ])('hoursText(%s) is %s', (hours, expected) => {
    expect(hoursText(hours)).toBe(expected)
  })

  it('hoursTextSql words hours as hoursText does', async () => {
    const values = [
      0,
      1,
      2,
      6,
      24,
      36,
      0.5,
      1.5,
      0.25,
      0.75,
      2.25,
      1.05,
      1.15,
      1.25,
      1.35,
      0.1,
      0.05,
      1 / 3,
      2 / 3,
      72.45,
      23.999,
      1e6,
      12.95,
      99.95,
      ...Array.from({ length: 200 }, () => Math.round(random.next() * 100_000) / 1000),
    ]
    const inSql = await each<string>(
      values.map((v) => ({ x: v })),
      hoursTextSql(x),
    )
    expect(inSql).toEqual(values.map(hoursText))
  })

  it('hoursBetweenText words the hours between two instants to a tenth', async () => {
    const cases = someInstants(300).map((from) => ({
      at: from,
      to: new Date(from.getTime() + Math.floor(random.next() * 200 * 3_600_000)),
    }))
    const exact = [0, 1, 360_000, 3_600_000, 3_599_999, 3_780_000, 5_400_000, 180_000, 179_999, 86_400_000]
    const start = new Date('2024-03-30T23:30:00.250Z')
    cases.push(...exact.map((ms) => ({ at: start, to: new Date(start.getTime() + ms) })))
    const inSql = await each<string>(cases, hoursBetweenText(at, to))
    expect(inSql).toEqual(
      cases.map((c) => hoursText(Math.round(((c.to.getTime() - c.at.getTime()) / 3_600_000) * 10) / 10)),
    )
  })

  it('numberText writes numbers as JavaScript does', async () => {
    const values = [0, 1, -1, 7, 1e15, 123456789012, 0.5, 2.25, 1 / 3, -0.1, 0.0001]
    const inSql = await each<string>(
      values.map((v) => ({ x: v })),
      numberText(x),
    )
    expect(inSql).toEqual(values.map(String))
  })

  it('numberText writes a tiny number with an exponent where JavaScript would not, as documented', async () => {
    expect(await each<string>([{ x: 1e-6 }, { x: 1e-7 }], numberText(x))).toEqual(['1e-06', '1e-07'])
  })

  it('pluralText is plural', async () => {
    const counts = [0, 1, 2, 7, 10, 28, 100]
    for (const word of ['day', 'open case']) {
      const inSql = await each<string>(
        counts.map((v) => ({ x: v })),
        pluralText(x, word),
      )
      expect(inSql).toEqual(counts.map((n) => plural(n, word)))
    }
    expect(plural(1, 'day')).toBe('1 day')
    expect(plural(3, 'open case')).toBe('3 open cases')
  })

  it('isoText is toISOString', async () => {
    const instants = [...someInstants(100), new Date('2024-06-01T00:00:00.007Z')]
    const inSql = await each<string>(
      instants.map((i) => ({ at: i })),
      isoText(at),
    )
    expect(inSql).toEqual(instants.map((i) => i.toISOString()))
  })
})
