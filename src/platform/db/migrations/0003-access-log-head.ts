import { sqlMigration } from '../migrator.ts'

/**
 * The access log's head: the seq and hash of its last entry, updated in the same transaction as every
 * append. Deleting rows from the end of the log leaves the chain itself intact, so verification
 * compares the last row with the head to catch it.
 */
export const accessLogHeadMigration = sqlMigration(
  '0003-access-log-head',
  `
create table access_log_head (
  id boolean primary key default true check (id),
  seq bigint not null check (seq >= 0),
  hash text not null
);
insert into access_log_head (id, seq, hash)
  values (true, 0, '0000000000000000000000000000000000000000000000000000000000000000');

create function access_log_head_keep() returns trigger language plpgsql as $$
begin
  raise exception 'access_log_head cannot be removed';
end $$;
create trigger access_log_head_no_delete before delete on access_log_head
  for each row execute function access_log_head_keep();
create trigger access_log_head_no_truncate before truncate on access_log_head
  for each statement execute function access_log_head_keep();
`,
)
