import { sqlMigration } from '../../../platform/db/migrator.ts'

/**
 * An action's own reference, for actions loaded from the force's existing action plan (the
 * `recommendation-action` import kind): importing a reference again adds to the action rather than making a
 * second one. Actions added through the tracker's pages have none.
 */
export const actionRefsMigration = sqlMigration(
  '0048-recommendation-action-refs',
  `
alter table recommendation_action add column ref text unique check (length(ref) between 1 and 200);
`,
)
