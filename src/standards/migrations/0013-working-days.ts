import { sql } from 'kysely'
import type { KestrelMigration } from '../../platform/db/migrator.ts'
import { workingDayCalendar } from '../calendar.ts'
import { fillWorkingDays } from '../working-days.ts'

/** The tables, filled with the built-in England and Wales calendar (configuration may replace it at start). */
export const workingDaysMigration: KestrelMigration = {
  name: '0013-working-days',
  async up(db) {
    await sql`
      create table working_day (
        day date not null,
        working boolean not null,
        ordinal integer not null
      )`.execute(db)
    await sql`create table working_day_calendar (fingerprint text not null)`.execute(db)
    await fillWorkingDays(db, workingDayCalendar())
    // Keys built after the rows are in: one sort instead of 22,000 index insertions (noticeable on PGlite).
    await sql`alter table working_day add primary key (day)`.execute(db)
    // Each working day has its own ordinal: the lookup from an ordinal back to its day.
    await sql`create unique index working_day_ordinal on working_day (ordinal) where working`.execute(db)
  },
}
