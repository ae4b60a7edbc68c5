import { sqlMigration } from '../migrator.ts'

/**
 * The platform's own tables: accounts, sessions, API tokens, the change history every domain record
 * writes to, and the append-only access log.
 */
export const platformMigration = sqlMigration(
  '0001-platform',
  `
create extension if not exists pg_trgm;
create extension if not exists fuzzystrmatch;

create table app_user (
  id uuid primary key default gen_random_uuid(),
  username text not null unique check (username ~ '^[a-z0-9._-]{3,64}$'),
  display_name text not null,
  email text,
  password_hash text,
  roles text[] not null default '{}',
  staff_id uuid,
  oidc_subject text unique,
  active boolean not null default true,
  failed_logins integer not null default 0,
  locked_until timestamptz,
  last_login_at timestamptz,
  created_at timestamptz not null default now(),
  version integer not null default 1
);

create table user_session (
  id_hash text primary key,
  user_id uuid not null references app_user(id) on delete cascade,
  csrf_token text not null,
  created_at timestamptz not null,
  last_seen_at timestamptz not null,
  expires_at timestamptz not null,
  ip text,
  user_agent text
);
create index user_session_user on user_session(user_id);
create index user_session_expires on user_session(expires_at);

create table api_token (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  token_hash text not null unique,
  token_prefix text not null,
  roles text[] not null,
  created_by uuid references app_user(id),
  created_at timestamptz not null,
  expires_at timestamptz,
  revoked_at timestamptz,
  last_used_at timestamptz
);

create table change_history (
  id bigserial primary key,
  record_table text not null,
  record_id text not null,
  version integer not null,
  action text not null check (action in ('create', 'update', 'delete')),
  changed_by text not null,
  changed_at timestamptz not null,
  changes jsonb not null
);
create index change_history_record on change_history(record_table, record_id, id);

create table access_log (
  seq bigint primary key,
  at timestamptz not null,
  actor_id text not null,
  actor_name text not null,
  action text not null,
  subject_kind text not null,
  subject_id text not null,
  reason text,
  request_id text,
  detail jsonb,
  prev_hash text not null,
  hash text not null
);
create index access_log_subject on access_log(subject_kind, subject_id);
create index access_log_actor on access_log(actor_id, at);

-- The application appends only: no path through Kestrel edits or removes a row. The hash chain
-- (kestrel audit verify) catches anyone who goes round this with superuser rights.
create function access_log_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'access_log is append-only';
end $$;
create trigger access_log_no_update before update or delete on access_log
  for each row execute function access_log_append_only();
create trigger access_log_no_truncate before truncate on access_log
  for each statement execute function access_log_append_only();
`,
)
