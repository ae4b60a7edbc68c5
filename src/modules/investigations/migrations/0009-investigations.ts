import { sqlMigration } from '../../../platform/db/migrator.ts'

/**
 * Child protection investigations and the work on them: people and PACs linked, allocations (with the
 * reason when the choice did not fit), lines of enquiry and actions, supervisory reviews, strategy
 * discussions with their participants, initial child protection conferences and police protection.
 *
 * Every child table has its own `ref`, so an import can name each record and re-running it updates rather
 * than duplicates. The service checks the order of things and names the field; constraints are the backstop.
 */
export const investigationsMigration = sqlMigration(
  '0009-investigations',
  `
create sequence investigation_ref_seq;

create table investigation (
  id uuid primary key default gen_random_uuid(),
  ref text not null unique default ('INV-' || lpad(nextval('investigation_ref_seq')::text, 7, '0')),
  case_type text not null check (case_type in ('referral_domestic_abuse', 'referral_other', 'section_47',
    'police_protection', 'sex_offender_management', 'cse_non_internet', 'cse_online', 'missing', 'custody')),
  strands text[] not null check (cardinality(strands) >= 1 and strands <@ array['child_abuse', 'online_csea',
    'rape_serious_sexual_offences_sex_workers', 'young_offenders', 'cse', 'hate_crime',
    'domestic_abuse_stalking_harassment', 'harmful_traditional_practices', 'mental_health_drugs_alcohol_suicide',
    'missing_people', 'modern_slavery_trafficking_cce', 'vulnerable_adults']),
  risk_level text not null check (risk_level in ('standard', 'medium', 'high')),
  summary text not null check (length(btrim(summary)) between 1 and 5000),
  borough_id uuid not null references borough(id),
  bcu_id uuid references bcu(id),
  opened_at timestamptz not null,
  status text not null default 'open' check (status in ('open', 'closed')),
  -- The current allocation, kept in step with the latest investigation_allocation row.
  team_id uuid references team(id),
  officer_staff_id uuid references staff(id),
  allocated_at timestamptz,
  offence text check (length(offence) <= 500),
  crime_reference text check (length(crime_reference) <= 100),
  crime_recorded_at timestamptz,
  outcome text check (outcome in ('1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12', '13', '14',
    '15', '16', '17', '18', '19', '20', '21', '22', 'cancelled', 'transferred')),
  closed_at timestamptz,
  closed_by_staff_id uuid references staff(id),
  closed_by_name text check (length(closed_by_name) <= 200),
  closure_rationale text check (length(closure_rationale) <= 5000),
  -- INV-12: what was done for the children in the household when closing with no further action.
  welfare_visit_at timestamptz,
  social_care_referral_at timestamptz,
  created_by text not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  version integer not null default 1,
  check ((status = 'closed') = (closed_at is not null)),
  check (closed_at is null or (closed_at >= opened_at and closure_rationale is not null)),
  check (allocated_at is null or allocated_at >= opened_at),
  check ((officer_staff_id is null) or (allocated_at is not null))
);
create index investigation_open_officer on investigation (officer_staff_id) where status = 'open';
create index investigation_team on investigation (team_id, status, opened_at);
create index investigation_bcu on investigation (bcu_id, status, opened_at);
create index investigation_borough on investigation (borough_id, opened_at);

create table investigation_person (
  id uuid primary key default gen_random_uuid(),
  ref text not null unique default gen_random_uuid()::text,
  investigation_id uuid not null references investigation(id),
  person_id uuid not null references person(id),
  role text not null check (role in ('child', 'victim', 'suspect', 'witness', 'person_posing_risk')),
  -- Under 18 when linked (the person index knows the date of birth); INV-05 asks about children.
  is_child boolean not null,
  seen_at timestamptz,
  seen_by_staff_id uuid references staff(id),
  seen_by_name text check (length(seen_by_name) <= 200),
  spoken_to boolean,
  not_seen_reason text check (length(not_seen_reason) <= 2000),
  seen_recorded_at timestamptz,
  version integer not null default 1,
  unique (investigation_id, person_id, role),
  check (spoken_to is null or seen_at is not null or not spoken_to),
  check ((seen_recorded_at is null) = (seen_at is null and not_seen_reason is null))
);
create index investigation_person_person on investigation_person (person_id);

create table investigation_pac (
  id uuid primary key default gen_random_uuid(),
  investigation_id uuid not null references investigation(id),
  pac_id uuid not null references pac(id),
  linked_at timestamptz not null,
  version integer not null default 1,
  unique (investigation_id, pac_id)
);

create table investigation_allocation (
  id uuid primary key default gen_random_uuid(),
  ref text not null unique default gen_random_uuid()::text,
  investigation_id uuid not null references investigation(id),
  team_id uuid not null references team(id),
  staff_id uuid not null references staff(id),
  allocated_at timestamptz not null,
  allocated_by_staff_id uuid references staff(id),
  allocated_by_name text not null check (length(allocated_by_name) between 1 and 200),
  -- What the supervisor saw: the courses the officer lacked and their open caseload, and why they chose anyway.
  missing_courses text[] not null default '{}',
  open_cases integer not null check (open_cases >= 0),
  team_capacity integer,
  reason text check (length(reason) <= 2000),
  version integer not null default 1
);
create index investigation_allocation_case on investigation_allocation (investigation_id, allocated_at);
create index investigation_allocation_staff on investigation_allocation (staff_id, allocated_at);

create table supervisory_review (
  id uuid primary key default gen_random_uuid(),
  ref text not null unique default gen_random_uuid()::text,
  investigation_id uuid not null references investigation(id),
  reviewed_at timestamptz not null,
  reviewer_staff_id uuid references staff(id),
  reviewer_name text not null check (length(reviewer_name) between 1 and 200),
  findings text not null check (length(btrim(findings)) between 1 and 10000),
  created_at timestamptz not null,
  version integer not null default 1
);
create index supervisory_review_case on supervisory_review (investigation_id, reviewed_at);

create table investigation_action (
  id uuid primary key default gen_random_uuid(),
  ref text not null unique default gen_random_uuid()::text,
  investigation_id uuid not null references investigation(id),
  kind text not null check (kind in ('line_of_enquiry', 'action', 'strategy_meeting')),
  description text not null check (length(btrim(description)) between 1 and 2000),
  owner_staff_id uuid references staff(id),
  owner_name text check (length(owner_name) <= 200),
  due_at timestamptz,
  directed_by_staff_id uuid references staff(id),
  directed_by_name text check (length(directed_by_name) <= 200),
  directed_at timestamptz not null,
  review_id uuid references supervisory_review(id),
  done_at timestamptz,
  created_at timestamptz not null,
  version integer not null default 1,
  check (done_at is null or done_at >= directed_at),
  check (due_at is null or due_at >= directed_at)
);
create index investigation_action_case on investigation_action (investigation_id);
create index investigation_action_owner_open on investigation_action (owner_staff_id) where done_at is null;

create table strategy_discussion (
  id uuid primary key default gen_random_uuid(),
  ref text not null unique default gen_random_uuid()::text,
  investigation_id uuid not null references investigation(id),
  held_at timestamptz not null,
  decisions text not null check (length(btrim(decisions)) between 1 and 5000),
  joint_safety_plan text check (length(joint_safety_plan) <= 5000),
  begins_section_47 boolean not null default false,
  recorded_by_name text not null,
  created_at timestamptz not null,
  version integer not null default 1
);
create index strategy_discussion_case on strategy_discussion (investigation_id, held_at);

create table strategy_participant (
  id uuid primary key default gen_random_uuid(),
  strategy_discussion_id uuid not null references strategy_discussion(id) on delete cascade,
  agency text not null check (agency in ('police', 'childrens_social_care', 'health', 'education', 'other')),
  name text not null check (length(btrim(name)) between 1 and 200),
  role text check (length(role) <= 200),
  version integer not null default 1
);
create index strategy_participant_discussion on strategy_participant (strategy_discussion_id);

create table child_protection_conference (
  id uuid primary key default gen_random_uuid(),
  ref text not null unique default gen_random_uuid()::text,
  investigation_id uuid not null references investigation(id),
  held_at timestamptz not null,
  police_attended boolean not null,
  police_attendee_name text check (length(police_attendee_name) <= 200),
  created_at timestamptz not null,
  version integer not null default 1
);
create index child_protection_conference_case on child_protection_conference (investigation_id, held_at);

create table police_protection (
  id uuid primary key default gen_random_uuid(),
  ref text not null unique default gen_random_uuid()::text,
  investigation_id uuid not null references investigation(id),
  person_id uuid not null references person(id),
  started_at timestamptz not null,
  designated_officer_staff_id uuid references staff(id),
  designated_officer_name text check (length(designated_officer_name) <= 200),
  designated_at timestamptz,
  ended_at timestamptz,
  created_at timestamptz not null,
  version integer not null default 1,
  check (ended_at is null or ended_at >= started_at),
  check ((designated_at is null) = (designated_officer_name is null))
);
create index police_protection_case on police_protection (investigation_id);
`,
)
