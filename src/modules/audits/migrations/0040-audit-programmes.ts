import { sqlMigration } from '../../../platform/db/migrator.ts'

/**
 * Audit programmes (issue 21, item 1): a scope (case types, BCUs, a period), a sample size, how the scope is
 * split into strata, and the seed the sample was drawn with, stored so the draw can be repeated and checked;
 * the share of its audits a second auditor moderates. The sample is kept as drawn, one row a case, with the
 * audit made of it once there is one.
 */
export const auditProgrammesMigration = sqlMigration(
  '0040-audit-programmes',
  `
create sequence audit_programme_ref_seq;
create table audit_programme (
  id uuid primary key default gen_random_uuid(),
  ref text not null unique default ('AP-' || lpad(nextval('audit_programme_ref_seq')::text, 6, '0'))
    check (length(ref) between 1 and 200),
  name text not null check (length(name) between 1 and 200),
  case_types text[] not null check (cardinality(case_types) >= 1 and case_types <@ array['domestic_abuse_referral',
    'other_referral', 'section_47', 'place_of_safety', 'sex_offender', 'cse_offline', 'cse_online', 'missing',
    'custody']),
  bcu_ids uuid[] not null default '{}',
  period_from date not null,
  period_to date not null check (period_to >= period_from),
  sample_size integer not null check (sample_size between 1 and 100000),
  strata text not null check (strata in ('case_type_bcu', 'case_type', 'bcu', 'none')),
  seed text not null check (length(seed) between 1 and 100),
  moderation_percent integer not null default 10 check (moderation_percent between 0 and 100),
  created_by text not null,
  created_at timestamptz not null default now(),
  version integer not null default 1
);

create table audit_sample (
  programme_id uuid not null references audit_programme(id) on delete cascade,
  position integer not null check (position >= 1),
  case_type text not null,
  subject_kind text not null,
  subject_id uuid not null,
  subject_ref text not null,
  borough_id uuid references borough(id),
  bcu_id uuid references bcu(id),
  team_id uuid references team(id),
  person_id uuid,
  primary key (programme_id, position),
  unique (programme_id, subject_kind, subject_id)
);

alter table audit add column programme_id uuid references audit_programme(id);
create index audit_programme_id on audit (programme_id);
`,
)
