import { sqlMigration } from '../../db/migrator.ts'

/**
 * Indexes for lookups the import kinds make on every batch, whose cost otherwise grows with the data:
 * - custody detentions resolve the child by `upper(ref)` (refs are matched case-insensitively);
 * - replacing a re-imported detention's timeline deletes its events, and each deleted event is checked
 *   against `custody_event.related_event_id` (a foreign key to the same table), a scan without this index.
 */
export const importLookupIndexesMigration = sqlMigration(
  '0011-import-lookup-indexes',
  `
create index person_ref_upper on person (upper(ref));
create index custody_event_related on custody_event (related_event_id) where related_event_id is not null;
`,
)
