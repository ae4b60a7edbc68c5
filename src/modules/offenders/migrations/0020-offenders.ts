import { sqlMigration } from '../../../platform/db/migrator.ts'

/**
 * Registered sex offender management: the RSO record for a person in the person index (notification,
 * MAPPA, risk level, ViSOR, status, home borough and manager), with what the offender managers keep about
 * each one: offences, civil orders, addresses and allocations over time, ARMS assessments, risk changes, new
 * relevant information, risk management plans, visits and notifications.
 *
 * An RSO lies in the borough of their current address (`rso.borough_id`, kept with `rso_address`, whose
 * rows are effective-dated), and belongs to their offender manager and Jigsaw team wherever they live.
 * Each record the managers keep has a ref of its own, so an import from another system can name it again.
 */
export const offendersMigration = sqlMigration(
  '0020-offenders',
  `
create sequence rso_ref_seq;

create table rso (
  id uuid primary key default gen_random_uuid(),
  ref text not null unique default ('RSO-' || lpad(nextval('rso_ref_seq')::text, 6, '0'))
    check (length(ref) between 1 and 100),
  person_id uuid not null unique references person(id),
  status text not null check (status in ('active', 'in_custody', 'abroad', 'deceased', 'ended')),
  notification_basis text not null
    check (notification_basis in ('conviction', 'caution', 'notification_order', 'foreign_conviction')),
  notification_start date not null,
  -- Null: notification for an indefinite period.
  notification_end date check (notification_end is null or notification_end > notification_start),
  mappa_category smallint not null check (mappa_category between 1 and 3),
  mappa_level smallint not null check (mappa_level between 1 and 3),
  risk_level text not null check (risk_level in ('low', 'medium', 'high', 'very_high')),
  visor_ref text unique check (length(visor_ref) between 1 and 50),
  -- When the ViSOR reference was first recorded (RSO-09 is met then).
  visor_recorded_at timestamptz check ((visor_ref is null) = (visor_recorded_at is null)),
  address text not null check (length(address) between 1 and 500),
  borough_id uuid not null references borough(id),
  bcu_id uuid references bcu(id),
  team_id uuid references team(id),
  manager_staff_id uuid references staff(id),
  created_at timestamptz not null,
  created_by text not null,
  updated_at timestamptz not null,
  version integer not null default 1
);
create index rso_borough on rso (borough_id);
create index rso_manager on rso (manager_staff_id) where status = 'active';
create index rso_team on rso (team_id);

create table rso_offence (
  id uuid primary key default gen_random_uuid(),
  rso_id uuid not null references rso(id),
  offence text not null check (length(offence) between 1 and 500),
  convicted_on date not null,
  court text not null check (length(court) between 1 and 200),
  version integer not null default 1
);
create index rso_offence_rso on rso_offence (rso_id);

create table rso_order (
  id uuid primary key default gen_random_uuid(),
  rso_id uuid not null references rso(id),
  kind text not null check (kind in ('shpo', 'sro', 'notification_order')),
  starts_on date not null,
  ends_on date check (ends_on is null or ends_on >= starts_on),
  conditions text not null check (length(conditions) between 1 and 4000),
  version integer not null default 1
);
create index rso_order_rso on rso_order (rso_id);

-- Where the RSO has lived, effective-dated: the current row (to_date null) is the address on the RSO.
create table rso_address (
  id uuid primary key default gen_random_uuid(),
  rso_id uuid not null references rso(id),
  address text not null check (length(address) between 1 and 500),
  borough_id uuid not null references borough(id),
  from_date date not null,
  to_date date check (to_date is null or to_date >= from_date),
  version integer not null default 1
);
create index rso_address_rso on rso_address (rso_id, from_date);

-- Each allocation to an offender manager, with the reason for the move.
create sequence rso_allocation_ref_seq;
create table rso_allocation (
  id uuid primary key default gen_random_uuid(),
  ref text not null unique default ('ALLOC-' || lpad(nextval('rso_allocation_ref_seq')::text, 7, '0'))
    check (length(ref) between 1 and 100),
  rso_id uuid not null references rso(id),
  staff_id uuid not null references staff(id),
  from_at timestamptz not null,
  to_at timestamptz check (to_at is null or to_at >= from_at),
  reason text not null check (length(reason) between 1 and 1000),
  allocated_by text not null,
  version integer not null default 1
);
create index rso_allocation_rso on rso_allocation (rso_id, from_at);
create index rso_allocation_staff on rso_allocation (staff_id) where to_at is null;

create sequence rso_arms_ref_seq;
create table rso_arms (
  id uuid primary key default gen_random_uuid(),
  ref text not null unique default ('ARMS-' || lpad(nextval('rso_arms_ref_seq')::text, 7, '0'))
    check (length(ref) between 1 and 100),
  rso_id uuid not null references rso(id),
  assessed_on date not null,
  assessor_name text not null check (length(assessor_name) between 1 and 200),
  -- The dynamic risk priority the assessment gives.
  priority text not null check (priority in ('low', 'medium', 'high', 'very_high')),
  key_factors text not null check (length(key_factors) between 1 and 4000),
  recorded_at timestamptz not null,
  recorded_by text not null,
  version integer not null default 1
);
create index rso_arms_rso on rso_arms (rso_id, assessed_on);

create sequence rso_risk_change_ref_seq;
create table rso_risk_change (
  id uuid primary key default gen_random_uuid(),
  ref text not null unique default ('RISK-' || lpad(nextval('rso_risk_change_ref_seq')::text, 7, '0'))
    check (length(ref) between 1 and 100),
  rso_id uuid not null references rso(id),
  changed_at timestamptz not null,
  from_level text not null check (from_level in ('low', 'medium', 'high', 'very_high')),
  to_level text not null check (to_level in ('low', 'medium', 'high', 'very_high')),
  reason text not null check (length(reason) between 1 and 2000),
  changed_by text not null,
  version integer not null default 1
);
create index rso_risk_change_rso on rso_risk_change (rso_id, changed_at);

-- New relevant information: a partner's report, an arrest, a change of household.
create sequence rso_information_ref_seq;
create table rso_information (
  id uuid primary key default gen_random_uuid(),
  ref text not null unique default ('INFO-' || lpad(nextval('rso_information_ref_seq')::text, 7, '0'))
    check (length(ref) between 1 and 100),
  rso_id uuid not null references rso(id),
  received_at timestamptz not null,
  source text not null check (length(source) between 1 and 200),
  summary text not null check (length(summary) between 1 and 4000),
  recorded_by text not null,
  version integer not null default 1
);
create index rso_information_rso on rso_information (rso_id, received_at);

create sequence rso_plan_ref_seq;
create table rso_plan (
  id uuid primary key default gen_random_uuid(),
  ref text not null unique default ('RMP-' || lpad(nextval('rso_plan_ref_seq')::text, 7, '0'))
    check (length(ref) between 1 and 100),
  rso_id uuid not null references rso(id),
  plan_number integer not null check (plan_number >= 1),
  agreed_at timestamptz not null,
  author_name text not null check (length(author_name) between 1 and 200),
  -- The assessment and risk level the plan answers.
  arms_id uuid references rso_arms(id),
  risk_level text not null check (risk_level in ('low', 'medium', 'high', 'very_high')),
  -- [{ "action": "...", "owner": "...", "due": "YYYY-MM-DD" }]
  actions jsonb not null,
  version integer not null default 1,
  unique (rso_id, plan_number)
);
create index rso_plan_rso on rso_plan (rso_id, agreed_at);

create sequence rso_visit_ref_seq;
create table rso_visit (
  id uuid primary key default gen_random_uuid(),
  ref text not null unique default ('VISIT-' || lpad(nextval('rso_visit_ref_seq')::text, 7, '0'))
    check (length(ref) between 1 and 100),
  rso_id uuid not null references rso(id),
  planned_on date,
  visited_at timestamptz,
  announced boolean not null,
  officers text not null check (length(officers) between 1 and 500),
  outcome text check (length(outcome) <= 4000),
  children_present boolean not null default false,
  concerns text check (length(concerns) <= 4000),
  -- A referral to children's social care made directly (RSO-06), when there is no PAC to link.
  social_care_referral_at timestamptz,
  recorded_by text not null,
  version integer not null default 1,
  check (planned_on is not null or visited_at is not null)
);
create index rso_visit_rso on rso_visit (rso_id, visited_at);

create sequence rso_notification_ref_seq;
create table rso_notification (
  id uuid primary key default gen_random_uuid(),
  ref text not null unique default ('NOTE-' || lpad(nextval('rso_notification_ref_seq')::text, 7, '0'))
    check (length(ref) between 1 and 100),
  rso_id uuid not null references rso(id),
  kind text not null check (kind in ('initial', 'change_of_details', 'periodic', 'travel_abroad',
    'household_with_child', 'bank_account', 'other')),
  notified_at timestamptz not null,
  -- The latest the law allowed for this notification, when it has one.
  deadline_at timestamptz,
  details text not null check (length(details) between 1 and 4000),
  social_care_referral_at timestamptz,
  recorded_by text not null,
  version integer not null default 1
);
create index rso_notification_rso on rso_notification (rso_id, notified_at);

-- A PAC raised for a child an RSO has access to, linked to the visit or notification that found it (RSO-06).
create table rso_pac (
  id uuid primary key default gen_random_uuid(),
  rso_id uuid not null references rso(id),
  pac_id uuid not null references pac(id),
  visit_id uuid references rso_visit(id),
  notification_id uuid references rso_notification(id),
  linked_at timestamptz not null,
  version integer not null default 1,
  check ((visit_id is null) <> (notification_id is null))
);
create index rso_pac_rso on rso_pac (rso_id);
create unique index rso_pac_visit on rso_pac (pac_id, visit_id) where visit_id is not null;
create unique index rso_pac_notification on rso_pac (pac_id, notification_id) where notification_id is not null;

-- A charge of an adult for a sexual offence recorded in another system (RSO-09 also reads the
-- investigations module's charges); whether it is notifiable is decided by RSO-09's configured list.
create sequence sexual_offence_charge_ref_seq;
create table sexual_offence_charge (
  id uuid primary key default gen_random_uuid(),
  ref text not null unique default ('CHG-' || lpad(nextval('sexual_offence_charge_ref_seq')::text, 7, '0'))
    check (length(ref) between 1 and 100),
  person_id uuid not null references person(id),
  offence text not null check (length(offence) between 1 and 500),
  charged_at timestamptz not null,
  borough_id uuid not null references borough(id),
  bcu_id uuid references bcu(id),
  officer_staff_id uuid references staff(id),
  recorded_by text not null,
  version integer not null default 1
);
create index sexual_offence_charge_person on sexual_offence_charge (person_id);
`,
)
