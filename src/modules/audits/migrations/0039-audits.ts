import { sqlMigration } from '../../../platform/db/migrator.ts'

/**
 * Case file audits (issue 21): one row an audit, with the case it is about (a Kestrel record by its kind and
 * id, or a free case reference for cases Kestrel does not hold, such as an inspection's), where that case lies
 * and which team owns it (for need to know and for referral back), the grade on the inspectors' scale, and
 * whether it was referred back with the action asked for and the owner's response. The criteria judgements,
 * one a theme, are rows of their own.
 */
export const auditsMigration = sqlMigration(
  '0039-audits',
  `
create sequence audit_ref_seq;
create table audit (
  id uuid primary key default gen_random_uuid(),
  ref text not null unique default ('AUD-' || lpad(nextval('audit_ref_seq')::text, 7, '0'))
    check (length(ref) between 1 and 200),
  case_type text not null check (case_type in ('domestic_abuse_referral', 'other_referral', 'section_47',
    'place_of_safety', 'sex_offender', 'cse_offline', 'cse_online', 'missing', 'custody')),
  subject_kind text check (length(subject_kind) between 1 and 50),
  subject_id uuid,
  subject_ref text check (length(subject_ref) between 1 and 200),
  case_reference text check (length(case_reference) between 1 and 200),
  borough_id uuid references borough(id),
  team_id uuid references team(id),
  auditor text not null check (length(auditor) between 1 and 200),
  auditor_staff_id uuid references staff(id),
  audited_on date not null,
  grade text not null check (grade in ('good', 'requires_improvement', 'inadequate')),
  grade_reasons text check (length(grade_reasons) <= 5000),
  referred_back boolean not null default false,
  referred_on date,
  action_required text check (length(action_required) <= 5000),
  response text check (length(response) <= 5000),
  responded_on date,
  recorded_by text not null,
  recorded_at timestamptz not null default now(),
  version integer not null default 1,
  check ((subject_kind is null) = (subject_id is null)),
  check (subject_id is not null or case_reference is not null),
  check (referred_back or (referred_on is null and response is null)),
  check (responded_on is null or referred_on is null or responded_on >= referred_on),
  check ((response is null) = (responded_on is null))
);
create index audit_case_type on audit (case_type, grade);
create index audit_subject on audit (subject_kind, subject_id);
create index audit_borough on audit (borough_id);
create index audit_team on audit (team_id);
create index audit_audited_on on audit (audited_on);

create table audit_judgement (
  audit_id uuid not null references audit(id) on delete cascade,
  theme text not null check (theme in ('initial_response', 'child_seen_and_heard', 'risk_assessment',
    'information_sharing', 'strategy_and_multi_agency', 'supervision', 'investigation_and_timeliness',
    'outcome_for_child')),
  judgement text not null check (judgement in ('met', 'partly_met', 'not_met', 'not_applicable')),
  note text check (length(note) <= 5000),
  primary key (audit_id, theme)
);
`,
)
