import { sqlMigration } from '../../../platform/db/migrator.ts'

/**
 * Staff on duty as an import gives them (`missing-unit-duty`): each entry keeps the reference of the line
 * that wrote it, so importing the same roster again updates it rather than adding it twice. Entries made
 * on the unit's page have none.
 */
export const missingUnitDutyRefMigration = sqlMigration(
  '0012-missing-unit-duty-ref',
  `
alter table missing_unit_duty add column ref text unique check (length(ref) between 1 and 200);
`,
)
