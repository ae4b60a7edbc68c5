import { sqlMigration } from '../../../platform/db/migrator.ts'

/**
 * A missing episode imported from another system may name its Merlin PAC by a reference Kestrel does not
 * hold (the PAC was never imported): the reference is kept as such, apart from a link to a PAC in
 * Kestrel, and the episode counts as having its Merlin report from the time kept in pac_linked_at.
 */
export const missingExternalPacMigration = sqlMigration(
  '0030-missing-external-pac',
  `
alter table missing_episode add column pac_external_ref text
  check (length(pac_external_ref) between 1 and 200);
do $$
declare c text;
begin
  select conname into c from pg_constraint
  where conrelid = 'missing_episode'::regclass and contype = 'c'
    and pg_get_constraintdef(oid) like '%(pac_id IS NULL) = (pac_linked_at IS NULL)%';
  execute format('alter table missing_episode drop constraint %I', c);
end $$;
alter table missing_episode add constraint missing_episode_pac_link check (
  (pac_id is null or pac_external_ref is null)
  and ((pac_id is null and pac_external_ref is null) = (pac_linked_at is null)));
`,
)
