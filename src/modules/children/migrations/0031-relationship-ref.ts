import { sqlMigration } from '../../../platform/db/migrator.ts'

/**
 * A relationship imported from another system (`relationship` lines) keeps the reference of the line that
 * wrote it, so importing it again corrects that relationship rather than adding a second. Relationships
 * recorded on the person's page have none.
 */
export const relationshipRefMigration = sqlMigration(
  '0031-relationship-ref',
  `
alter table relationship add column ref text unique check (length(ref) between 1 and 200);
`,
)
