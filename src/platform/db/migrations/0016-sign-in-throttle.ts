import { sqlMigration } from '../migrator.ts'

/**
 * Sign-in failures counted in the database, so every application process sees the same counts
 * (src/platform/auth/sign-in-throttle.ts). One row per account and address together, per account from
 * any address (address ''), and per address at any account (username ''). The account's own lock columns
 * go: a lock any stranger could set is what this replaces.
 */
export const signInThrottleMigration = sqlMigration(
  '0016-sign-in-throttle',
  `
create table sign_in_throttle (
  username text not null,
  address text not null,
  failures integer not null default 0 check (failures >= 0),
  last_failure_at timestamptz,
  last_success_at timestamptz,
  primary key (username, address),
  check (username <> '' or address <> '')
);

alter table app_user drop column failed_logins;
alter table app_user drop column locked_until;
`,
)
