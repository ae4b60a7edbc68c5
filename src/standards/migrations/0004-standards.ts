import { sqlMigration } from '../../platform/db/migrator.ts'

/**
 * The practice standards engine's tables: findings with their history, and rule parameters with their
 * effective dates. Generic: subjects are named by kind and id, areas and assignees by id, with no foreign
 * keys into modules (the engine knows no module's tables).
 */
export const standardsMigration = sqlMigration(
  '0004-standards',
  `
create table finding (
  id uuid primary key default gen_random_uuid(),
  rule_id text not null check (rule_id ~ '^[A-Z]{2,6}-[0-9A-Za-z-]{1,20}$'),
  subject_kind text not null check (subject_kind ~ '^[a-z][a-z0-9-]{0,62}$'),
  subject_id text not null check (length(subject_id) between 1 and 200),
  -- one rule can put several obligations on one record (each detention review): '' when there is one
  obligation_key text not null default '' check (length(obligation_key) <= 200),
  subject_ref text,
  status text not null check (status in ('due', 'breached', 'met', 'met_late', 'acknowledged',
    'resolved_auto', 'resolved_by_supervisor')),
  opened_at timestamptz not null,
  due_at timestamptz,
  breached_at timestamptz,
  met_at timestamptz,
  closed_at timestamptz,
  acknowledged_by text,
  acknowledged_at timestamptz,
  acknowledged_note text,
  resolved_by text,
  resolved_reason text,
  detail text not null default '',
  borough_id uuid,
  bcu_id uuid,
  assignee_team_id uuid,
  assignee_staff_id uuid,
  -- the last evaluation or action that changed the row (an evaluation that changes nothing writes nothing)
  updated_at timestamptz not null,
  version integer not null default 1,
  -- subject first: evaluating a few records after a write looks them up by id, before any statistics exist
  unique (subject_id, subject_kind, rule_id, obligation_key),
  check ((status in ('due', 'breached', 'acknowledged')) = (closed_at is null)),
  check (status <> 'acknowledged' or acknowledged_at is not null),
  check (status <> 'resolved_by_supervisor' or resolved_reason is not null)
);
create index finding_open_staff on finding(assignee_staff_id, due_at) where closed_at is null;
create index finding_open_team on finding(assignee_team_id, due_at) where closed_at is null;
create index finding_open_bcu on finding(bcu_id, due_at) where closed_at is null;
create index finding_rule_status on finding(rule_id, status);
create index finding_subject_ref on finding(subject_ref);

create table finding_event (
  id bigserial primary key,
  finding_id uuid not null references finding(id) on delete cascade,
  at timestamptz not null,
  event text not null check (event in ('opened', 'breached', 'acknowledged', 'resolved_auto',
    'resolved_by_supervisor', 'reopened', 'met')),
  by text,
  note text,
  recorded_at timestamptz not null
);
create index finding_event_finding on finding_event(finding_id, at, id);

-- Every row is one change to a parameter: the table is its own audit trail, and nothing updates it.
create table rule_parameter (
  id uuid primary key default gen_random_uuid(),
  rule_id text not null,
  name text not null,
  borough_id uuid,
  value jsonb not null,
  effective_from timestamptz not null,
  set_by text not null,
  set_at timestamptz not null,
  reason text not null check (length(reason) between 1 and 2000),
  version integer not null default 1
);
create index rule_parameter_lookup on rule_parameter(rule_id, name, borough_id, effective_from desc);
`,
)
