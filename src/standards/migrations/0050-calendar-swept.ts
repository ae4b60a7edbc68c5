import { sqlMigration } from '../../platform/db/migrator.ts'

/**
 * Whether the rules that count working days have been derived whole since the calendar was last written. A
 * new calendar (a bank holiday added in KESTREL_BANK_HOLIDAYS_FILE) moves their due times with no record
 * written, so the steady sweep, which reads only the findings already due for those rules, derives them whole
 * once and then marks it done. The calendar in place now has been swept by the whole sweeps before it.
 */
export const calendarSweptMigration = sqlMigration(
  '0050-working-day-calendar-swept',
  `
alter table working_day_calendar add column rules_swept boolean not null default false;
update working_day_calendar set rules_swept = true;
`,
)
