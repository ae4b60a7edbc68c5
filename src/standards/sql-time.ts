import { type Expression, type RawBuilder, sql } from 'kysely'
import { columnRef } from './rule.ts'

/**
 * Time arithmetic and wording for rules that answer with their query: the SQL twins of the JavaScript a
 * rule would otherwise run per record, so a finding's due time and words are the same whichever path
 * worked them out. Every module's rules use this kit; none keeps its own.
 *
 * - Instants are added to as JavaScript adds to a Date: on the whole-millisecond clock, in double
 *   precision, the sum cut to a whole millisecond. Elapsed time, so a clock change does not move it.
 * - Working days are the working_day table's (see working-days.ts), at the same London wall-clock time.
 * - Numbers are written as JavaScript writes them.
 *
 * A column may be given by name ('f.authorised_at') or as an expression.
 */

type Column = string | Expression<unknown>

// ---------- adding to instants ----------

/**
 * A Date's milliseconds since the epoch, as a double. `date_part` counts in doubles (`extract` in numeric is
 * several times slower over a sweep); the instant is cut to the millisecond first, so rounding the product
 * makes the whole number exact.
 */
const epochMilliseconds = (instant: Column) =>
  sql`round(date_part('epoch', date_trunc('milliseconds', ${columnRef(instant)})) * 1000)`

/** An instant plus milliseconds, as `new Date(at.getTime() + ms)` computes it. */
export function plusMilliseconds(instant: Column, milliseconds: Expression<unknown>): RawBuilder<Date> {
  return sql<Date>`(timestamptz 'epoch' + trunc(${epochMilliseconds(instant)} + ${milliseconds})
      * interval '1 millisecond')`
}

/**
 * An instant plus hours, as `addHours` in src/platform/time.ts computes it (hours × 3,600,000 as a double),
 * so due times stay exactly those of the stored findings whatever the parameter's value.
 */
export function plusHours(instant: Column, hours: Expression<unknown>): RawBuilder<Date> {
  return plusMilliseconds(instant, sql`${hours} * cast(3600000 as double precision)`)
}

/**
 * Whole milliseconds from one instant to another, as a double, as `to.getTime() - from.getTime()` counts
 * them (Dates keep milliseconds, so both are cut to the millisecond first).
 */
export function millisecondsBetween(from: Column, to: Column): RawBuilder<number> {
  return sql<number>`round(date_part('epoch',
    date_trunc('milliseconds', ${columnRef(to)}) - date_trunc('milliseconds', ${columnRef(from)})) * 1000)`
}

/**
 * An instant plus hours on PostgreSQL's own microsecond clock. For the rules whose due times were only
 * ever worked out in SQL; it differs from plusHours only below a millisecond (plusHours cuts to one, as a
 * Date does), and keeping it keeps their stored due times byte for byte.
 */
export function plusHoursInterval(instant: Column, hours: Expression<unknown>): RawBuilder<Date> {
  return sql<Date>`${columnRef(instant)} + make_interval(secs => ${hours} * 3600)`
}

// ---------- London days and working days ----------

/** The London calendar date of an instant. */
export function londonDateOf(instant: Column): RawBuilder<string> {
  return sql<string>`cast(timezone('Europe/London', ${columnRef(instant)}) as date)`
}

/**
 * An instant's London day in words, as a finding's detail names it: "1 May 2019" (FM on the month too, which
 * PostgreSQL would otherwise pad to nine letters: "1 May       2019").
 */
export function londonDayText(instant: Column): RawBuilder<string> {
  return sql<string>`to_char(timezone('Europe/London', ${columnRef(instant)}), 'FMDD FMMonth YYYY')`
}

/** The London month of an instant as 'YYYY-MM'. */
export function londonMonthText(instant: Column): RawBuilder<string> {
  return sql<string>`to_char(timezone('Europe/London', ${columnRef(instant)}), 'YYYY-MM')`
}

/** The instant a London calendar date begins (its midnight, in whichever of GMT and BST is in force). */
export function londonMidnightOf(date: Column): RawBuilder<Date> {
  return sql<Date>`(${columnRef(date)}::timestamp at time zone 'Europe/London')`
}

/** The same London clock time `days` calendar days later, as addLondonDays (a day across a clock change is 23 or 25 hours). */
export function plusLondonDays(instant: Column, days: Expression<unknown>): RawBuilder<Date> {
  return sql<Date>`((timezone('Europe/London', ${columnRef(instant)}) + make_interval(days => cast(${days} as integer))) at time zone 'Europe/London')`
}

/**
 * The London date `months` calendar months after a date (the last day of the month where the day does not
 * exist: 31 January plus one month is 28 or 29 February), as PostgreSQL adds months to a date.
 */
export function plusMonthsDate(date: Column, months: Expression<unknown>): RawBuilder<string> {
  return sql<string>`cast(${columnRef(date)} + make_interval(months => cast(${months} as integer)) as date)`
}

/** The instant a date stops being "within N months" of another: the start of the day after the anniversary. */
export function afterMonthsOf(date: Column, months: Expression<unknown>): RawBuilder<Date> {
  return londonMidnightOf(sql`(${plusMonthsDate(date, months)} + 1)`)
}

/**
 * Joins for "n working days after an instant": `alias` is the working day reached. Use with `workingDaysDue`:
 *
 *   from pac ${addWorkingDaysJoin('decision', 'pac.shared_with_mash_at', n)}
 *   select ${workingDaysDue('decision', 'pac.shared_with_mash_at', n)} as due_at
 *
 * Instants outside 2000-2060 find no working day and drop out of the query.
 */
export function addWorkingDaysJoin(
  alias: string,
  instant: Column,
  n: Expression<unknown>,
): RawBuilder<unknown> {
  const from = sql.ref(`${alias}_from`)
  const to = sql.ref(alias)
  return sql`join working_day as ${from} on ${from}.day = ${londonDateOf(instant)}
    join working_day as ${to} on ${to}.working and ${to}.ordinal = ${from}.ordinal + cast(${n} as integer)`
}

/**
 * The instant n working days after `instant`, at the same London wall-clock time, as
 * `WorkingDayCalendar.addWorkingDays` computes it (0 working days: the instant itself).
 */
export function workingDaysDue(alias: string, instant: Column, n: Expression<unknown>): RawBuilder<Date> {
  const at = columnRef(instant)
  return sql<Date>`case when cast(${n} as integer) = 0 then ${at}
    else timezone('Europe/London', ${sql.ref(alias)}.day + cast(timezone('Europe/London', ${at}) as time)) end`
}

// ---------- words ----------

/** Hours as findings word them: '6 hours', '1 hour', '2.5 hours' (one decimal at most). */
export function hoursText(hours: number): string {
  return `${Number.isInteger(hours) ? hours : hours.toFixed(1)} hour${hours === 1 ? '' : 's'}`
}

/**
 * hoursText in SQL. A whole number prints as it is; otherwise one decimal rounded from the double's exact
 * binary value, as `toFixed(1)` does: `to_char` of a double does that too, except that an exact tie (a
 * quarter hour) goes up in JavaScript and to the even digit in C, so quarters are rounded as numeric (half
 * away from zero). `hours` is read several times: pass a column, not an expression that would be worked
 * out again each time.
 */
export function hoursTextSql(hours: Column): RawBuilder<string> {
  const v = columnRef(hours)
  return sql<string>`case
      when ${v} = trunc(${v}) then cast(cast(${v} as bigint) as text)
      when ${v} * 4 = trunc(${v} * 4) then to_char(round(cast(${v} as numeric), 1), 'FM999999999990.0')
      else to_char(${v}, 'FM999999999990.0') end
    || case when ${v} = 1 then ' hour' else ' hours' end`
}

/**
 * The hours from one instant to another as a finding words them: `hoursText(Math.round(hours * 10) / 10)` on
 * the same doubles. floor(x + 0.5) rounds halves upwards as Math.round does, and differs from it only at
 * 0.49999999999999994, which no whole number of milliseconds gives; a double's text is its shortest form, as
 * in JavaScript. An expression, not a subquery: it is worked out for every row of a sweep.
 */
export function hoursBetweenText(from: Column, to: Column): RawBuilder<string> {
  const tenths = sql`floor(${millisecondsBetween(from, to)} / cast(3600000 as double precision) * 10 + 0.5)`
  return sql<string>`(cast(${tenths} / 10 as text) || case when ${tenths} = 10 then ' hour' else ' hours' end)`
}

/**
 * A number as JavaScript writes it: a whole number without a decimal point (PostgreSQL would switch to an
 * exponent from 1e15), anything else in the shortest form that reads back the same, as both do. From
 * 1e-4 down PostgreSQL writes an exponent ('1e-06', '1e-07') where JavaScript writes 0.000001 or 1e-7:
 * fine for the counts and days findings word.
 */
export function numberText(value: Column): RawBuilder<string> {
  const v = sql`cast(${columnRef(value)} as double precision)`
  return sql<string>`(case when ${v} = trunc(${v}) and abs(${v}) < 1e18 then cast(cast(${v} as bigint) as text)
    else cast(${v} as text) end)`
}

/** A count and its noun, as `plural` words it: '1 day', '2 days', '0 open cases'. */
export function pluralText(value: Column, word: string): RawBuilder<string> {
  return sql<string>`(${numberText(value)} || ${` ${word}`} || case when ${columnRef(value)} = 1 then '' else 's' end)`
}

/** A count and its noun in JavaScript: the wording pluralText reproduces. */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`
}

/** An instant as Date.toISOString() writes it. */
export function isoText(instant: Column): RawBuilder<string> {
  return sql<string>`to_char(${columnRef(instant)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
}
