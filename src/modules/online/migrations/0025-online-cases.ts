import { sqlMigration } from '../../../platform/db/migrator.ts'

/**
 * Online child sexual abuse cases from referral to outcome: the case (its source, the material, the suspect,
 * where it lies), its identifiers, every stage change with who recorded it and when (the queue's ages are
 * computed from these rows, never typed), KIRAT assessments with their answers, the children identified in
 * the suspect's household, and the safeguarding done for them (a PAC, a social care referral, a welfare visit).
 *
 * A case lies in the borough of the suspect's address once it is known (null while the suspect is still being
 * researched: only the specialist team reaches it then), and belongs to the team and officer it is allocated to.
 * The current stage is kept on the case for the queue; the stage rows are the record.
 */
export const onlineCasesMigration = sqlMigration(
  '0025-online-cases',
  `
create sequence online_case_ref_seq;

create table online_case (
  id uuid primary key default gen_random_uuid(),
  ref text not null unique default ('ONL-' || lpad(nextval('online_case_ref_seq')::text, 7, '0'))
    check (length(ref) between 1 and 100),
  source text not null check (source in ('nca_referral', 'bellona', 'other_force', 'public_report')),
  nca_reference text check (length(nca_reference) between 1 and 100),
  received_at timestamptz not null,
  material_category text not null
    check (material_category in ('category_a', 'category_b', 'category_c', 'ungraded', 'grooming', 'other')),
  -- What was found: the specialist team alone reads it (the category is for everyone who sees the case).
  material_description text not null check (length(material_description) between 1 and 4000),
  material_location text check (length(material_location) <= 500),
  material_uploaded_at timestamptz,
  -- Null: the suspect is not yet identified.
  suspect_person_id uuid references person(id),
  borough_id uuid references borough(id),
  bcu_id uuid references bcu(id),
  stage text not null check (stage in ('received', 'awaiting_research', 'awaiting_communications_data',
    'address_confirmed', 'ready_for_allocation', 'allocated', 'warrant_executed', 'devices_seized', 'triage',
    'examination', 'outcome', 'closed')),
  stage_at timestamptz not null,
  allocated_team_id uuid references team(id),
  allocated_staff_id uuid references staff(id),
  -- The allocated team's kind as it was when allocated: the outcomes table counts by who investigated.
  allocated_team_kind text check (allocated_team_kind in ('specialist', 'child_abuse_team', 'frontline')),
  -- A Home Office outcome code (as the investigations module records them), once the case has an outcome.
  outcome_code text check (outcome_code ~ '^([1-9]|1[0-9]|2[0-2])$' or outcome_code in ('cancelled', 'transferred')),
  closed_at timestamptz,
  -- A supervisor's reason for closing a case with children and no welfare visit or social care referral.
  closing_reason text check (length(closing_reason) between 1 and 2000),
  created_at timestamptz not null,
  created_by text not null,
  updated_at timestamptz not null,
  version integer not null default 1,
  check (source <> 'nca_referral' or nca_reference is not null),
  check (stage_at >= received_at),
  check ((stage = 'closed') = (closed_at is not null))
);
create index online_case_queue on online_case (stage, stage_at) where stage <> 'closed';
create index online_case_borough on online_case (borough_id);
create index online_case_staff on online_case (allocated_staff_id);
create index online_case_team on online_case (allocated_team_id);
create index online_case_suspect on online_case (suspect_person_id);

create table online_case_identifier (
  id uuid primary key default gen_random_uuid(),
  case_id uuid not null references online_case(id) on delete cascade,
  kind text not null check (kind in ('account', 'ip_address', 'email', 'phone', 'other')),
  value text not null check (length(value) between 1 and 500),
  -- When the identifier was seen in use (the IP's time stamp, the account's upload).
  seen_at timestamptz,
  version integer not null default 1
);
create index online_case_identifier_case on online_case_identifier (case_id);

create table online_case_stage (
  id uuid primary key default gen_random_uuid(),
  case_id uuid not null references online_case(id) on delete cascade,
  -- 1, 2, 3... in the case's order: tells apart two changes at one instant.
  seq integer not null check (seq >= 1),
  stage text not null check (stage in ('received', 'awaiting_research', 'awaiting_communications_data',
    'address_confirmed', 'ready_for_allocation', 'allocated', 'warrant_executed', 'devices_seized', 'triage',
    'examination', 'outcome', 'closed')),
  at timestamptz not null,
  -- Awaiting communications data: when the providers answered (the request is the stage's own time).
  returned_at timestamptz,
  team_id uuid references team(id),
  staff_id uuid references staff(id),
  team_kind text check (team_kind in ('specialist', 'child_abuse_team', 'frontline')),
  outcome_code text check (outcome_code ~ '^([1-9]|1[0-9]|2[0-2])$' or outcome_code in ('cancelled', 'transferred')),
  -- Why: an allocation against the KIRAT policy, a closing without safeguarding, or any note.
  reason text check (length(reason) between 1 and 2000),
  recorded_by text not null,
  recorded_at timestamptz not null,
  version integer not null default 1,
  unique (case_id, seq),
  check (returned_at is null or (stage = 'awaiting_communications_data' and returned_at >= at)),
  check ((stage = 'allocated') = (team_id is not null and team_kind is not null)),
  check (stage = 'outcome' or outcome_code is null)
);
create index online_case_stage_case on online_case_stage (case_id, seq);
create index online_case_stage_at on online_case_stage (stage, at);

create sequence online_kirat_ref_seq;
create table online_kirat (
  id uuid primary key default gen_random_uuid(),
  ref text not null unique default ('KIRAT-' || lpad(nextval('online_kirat_ref_seq')::text, 7, '0'))
    check (length(ref) between 1 and 100),
  case_id uuid not null references online_case(id) on delete cascade,
  assessed_at timestamptz not null,
  level text not null check (level in ('very_high', 'high', 'medium', 'low')),
  -- The answers the level was computed from, as the assessor gave them: [{"question": ..., "answer": ...}].
  answers jsonb not null,
  assessor_name text not null check (length(assessor_name) between 1 and 200),
  recorded_by text not null,
  recorded_at timestamptz not null,
  version integer not null default 1
);
create index online_kirat_case on online_kirat (case_id, assessed_at);

create sequence online_case_child_ref_seq;
create table online_case_child (
  id uuid primary key default gen_random_uuid(),
  ref text not null unique default ('ONLC-' || lpad(nextval('online_case_child_ref_seq')::text, 7, '0'))
    check (length(ref) between 1 and 100),
  case_id uuid not null references online_case(id) on delete cascade,
  person_id uuid not null references person(id),
  identified_at timestamptz not null,
  recorded_by text not null,
  recorded_at timestamptz not null,
  version integer not null default 1,
  unique (case_id, person_id)
);
create index online_case_child_person on online_case_child (person_id);

-- What was done to protect the household's children: a PAC (by its ref in the referrals module), a referral
-- to children's social care, a welfare visit. Null child: done for the whole household.
create table online_case_safeguarding (
  id uuid primary key default gen_random_uuid(),
  case_id uuid not null references online_case(id) on delete cascade,
  child_person_id uuid references person(id),
  kind text not null check (kind in ('pac', 'social_care_referral', 'welfare_visit')),
  at timestamptz not null,
  pac_ref text check (length(pac_ref) between 1 and 100),
  note text check (length(note) <= 2000),
  recorded_by text not null,
  recorded_at timestamptz not null,
  version integer not null default 1,
  check (kind <> 'pac' or pac_ref is not null)
);
create index online_case_safeguarding_case on online_case_safeguarding (case_id, kind, at);
`,
)
