import { sqlMigration } from '../../../platform/db/migrator.ts'

/**
 * Figures kept by area, not by BCU: an area is a set of boroughs (a BCU as it stood on a day, a borough) or a
 * team, keyed as dashboard/areas.ts says, so any structure on any day can be reported. The table is a cache
 * of what the measures answer, so its rows are dropped and taken again.
 */
export const figuresByAreaMigration = sqlMigration(
  '0043-figures-by-area',
  `
delete from measure_value;
alter table measure_value drop constraint measure_value_pkey;
alter table measure_value drop column bcu_key;
alter table measure_value add column area_key text not null check (length(area_key) between 1 and 100);
alter table measure_value add primary key (measure_id, area_key, month);
`,
)
