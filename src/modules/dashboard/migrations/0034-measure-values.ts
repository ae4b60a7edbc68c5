import { sqlMigration } from '../../../platform/db/migrator.ts'

/**
 * The dashboard's figures: each measure's value for a month, force-wide (no BCU) or for one BCU, with when it
 * was computed. Pages read these rather than scanning every record per request; a figure older than the
 * configured age is taken again (by the hourly job, or by the page that finds it missing).
 */
export const measureValuesMigration = sqlMigration(
  '0034-measure-values',
  `
create table measure_value (
  measure_id text not null check (length(measure_id) between 1 and 200),
  -- The BCU the figure is of; the zero id for the force as a whole (a key column cannot be null).
  bcu_key uuid not null,
  month text not null check (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  value double precision,
  over integer not null check (over >= 0),
  computed_at timestamptz not null,
  primary key (measure_id, bcu_key, month)
);
`,
)
