import { createHash } from 'node:crypto'
import { type Kysely, sql } from 'kysely'
import type { Database } from '../platform/db/database.ts'
import { addDays, type LocalDate } from '../platform/time.ts'
import type { WorkingDayCalendar } from './calendar.ts'

/**
 * The working-day calendar as a table, so a rule's SQL can add working days exactly as
 * `WorkingDayCalendar.addWorkingDays` does, set-wise, with a hash join instead of a loop per record (the
 * joins are `addWorkingDaysJoin` and `workingDaysDue` in sql-time.ts).
 *
 * `working_day` has one row per calendar day with `ordinal`, the number of working days up to and including
 * it. Adding n working days to a day D is then the working day whose ordinal is ordinal(D) + n. The calendar
 * in force comes from configuration (a bank-holiday file may replace the built-in dates), so the table is
 * brought into line with it before rules run (`ensureWorkingDays`); a fingerprint says whether it already is.
 */

const firstYear = 2000
const lastYear = 2060

function holidaysOf(calendar: WorkingDayCalendar): LocalDate[] {
  const out: LocalDate[] = []
  for (let year = firstYear; year <= lastYear; year++) out.push(...calendar.bankHolidays(year))
  return out
}

const fingerprints = new WeakMap<WorkingDayCalendar, { holidays: LocalDate[]; fingerprint: string }>()

function describe(calendar: WorkingDayCalendar) {
  let known = fingerprints.get(calendar)
  if (!known) {
    const holidays = holidaysOf(calendar)
    const fingerprint = createHash('sha256').update(holidays.join(',')).digest('hex')
    known = { holidays, fingerprint }
    fingerprints.set(calendar, known)
  }
  return known
}

/** Every day of the table's range with its ordinal, computed here: cheaper than a window in the database. */
function calendarDays(calendar: WorkingDayCalendar) {
  const days: LocalDate[] = []
  const working: boolean[] = []
  const ordinals: number[] = []
  let ordinal = 0
  for (let day = `${firstYear}-01-01`; day <= `${lastYear}-12-31`; day = addDays(day, 1)) {
    const isWorking = calendar.isWorkingDay(day)
    if (isWorking) ordinal++
    days.push(day)
    working.push(isWorking)
    ordinals.push(ordinal)
  }
  return { days, working, ordinals }
}

/** Replaces the stored calendar with `calendar`: the days, their ordinals and the fingerprint. */
export async function fillWorkingDays(db: Kysely<unknown>, calendar: WorkingDayCalendar): Promise<void> {
  const { fingerprint } = describe(calendar)
  const { days, working, ordinals } = calendarDays(calendar)
  await sql`delete from working_day`.execute(db)
  await sql`
    insert into working_day (day, working, ordinal)
    select * from unnest(cast(${days} as date[]), cast(${working} as boolean[]), cast(${ordinals} as integer[]))`.execute(
    db,
  )
  await sql`delete from working_day_calendar`.execute(db)
  await sql`insert into working_day_calendar (fingerprint) values (${fingerprint})`.execute(db)
}

const inLine = new WeakMap<object, string>()

/**
 * Makes `working_day` match the calendar in force. Cheap after the first call for a database: the answer is
 * kept once the stored fingerprint has been read and found equal. A rewrite inside the caller's transaction
 * is not kept (the transaction may roll back); the next call reads again.
 */
export async function ensureWorkingDays(
  root: Database,
  executor: Database,
  calendar: WorkingDayCalendar,
): Promise<void> {
  const { fingerprint } = describe(calendar)
  if (inLine.get(root) === fingerprint) return
  const read = async (db: Database) =>
    (await sql<{ fingerprint: string }>`select fingerprint from working_day_calendar`.execute(db)).rows[0]
      ?.fingerprint
  if ((await read(executor)) === fingerprint) {
    inLine.set(root, fingerprint)
    return
  }
  const rewrite = async (trx: Database) => {
    // Two processes starting with a new calendar: the second waits, then finds the work done.
    await sql`lock table working_day_calendar in exclusive mode`.execute(trx)
    if ((await read(trx)) !== fingerprint) await fillWorkingDays(trx as unknown as Kysely<unknown>, calendar)
  }
  if (executor === root) {
    await root.transaction().execute(rewrite)
    inLine.set(root, fingerprint)
  } else await rewrite(executor)
}

/**
 * Whether the rules that read working days still owe a whole derivation under the calendar stored now
 * (written since the last, `calendarSwept` records it): the steady sweep derives them whole while it does.
 */
export async function calendarUnswept(q: Database): Promise<boolean> {
  const { rows } = await sql<{ rules_swept: boolean }>`select rules_swept from working_day_calendar`.execute(
    q,
  )
  return rows[0]?.rules_swept === false
}

/** Records that the rules reading working days have been derived whole under the stored calendar. */
export async function calendarSwept(q: Database): Promise<void> {
  await sql`update working_day_calendar set rules_swept = true where not rules_swept`.execute(q)
}
