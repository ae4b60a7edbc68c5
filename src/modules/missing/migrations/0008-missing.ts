import { sqlMigration } from '../../../platform/db/migrator.ts'

/**
 * Missing episodes of children with their risk grading, reviews, return, prevention interview and return
 * home interview; trigger plans; and the staff on duty a missing persons unit records (MIS-11).
 *
 * The child is a person of the children module, the borough and unit belong to the organisation module and
 * the linked Merlin report is a PAC of the referrals module: each is pointed at by id.
 * Grades and risk factors are checked by the service against the force's configured scale; the table
 * accepts every grade of the APP continuum, old ("absent") and current ("very low").
 */
export const missingMigration = sqlMigration(
  '0008-missing',
  `
create sequence missing_episode_ref_seq;
create sequence trigger_plan_ref_seq;

create table trigger_plan (
  id uuid primary key default gen_random_uuid(),
  ref text not null unique default ('KT-' || lpad(nextval('trigger_plan_ref_seq')::text, 7, '0'))
    check (length(ref) between 1 and 200),
  person_id uuid not null references person(id),
  -- The borough whose children's services and police agreed the plan (the child's home borough).
  borough_id uuid not null references borough(id),
  places_to_search text not null check (length(places_to_search) between 1 and 4000),
  people_to_contact text not null check (length(people_to_contact) between 1 and 4000),
  risks text not null check (length(risks) between 1 and 4000),
  author_name text not null check (length(author_name) between 1 and 200),
  author_staff_id uuid references staff(id),
  agreed_with text[] not null check (cardinality(agreed_with) between 1 and 6
    and agreed_with <@ array['carers','social_worker','parents','child','school','other']::text[]),
  start_date date not null,
  review_date date not null check (review_date >= start_date),
  ended_on date check (ended_on >= start_date),
  end_reason text check (length(end_reason) <= 1000),
  created_by text not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  version integer not null default 1
);
create index trigger_plan_person on trigger_plan (person_id, start_date);
create index trigger_plan_borough on trigger_plan (borough_id, start_date);

create table missing_episode (
  id uuid primary key default gen_random_uuid(),
  ref text not null unique default ('KM-' || lpad(nextval('missing_episode_ref_seq')::text, 7, '0'))
    check (length(ref) between 1 and 200),
  person_id uuid not null references person(id),
  -- Where the child went missing from, and that borough's BCU on the day, kept through reorganisations.
  borough_id uuid not null references borough(id),
  bcu_id uuid references bcu(id),
  -- The missing persons unit that owns the episode (a team of kind missing_persons_unit).
  unit_team_id uuid references team(id),
  reported_at timestamptz not null,
  reported_by_kind text not null
    check (reported_by_kind in ('parent','carer','childrens_home','school','other')),
  reported_by_name text check (length(reported_by_name) <= 200),
  last_seen_at timestamptz not null check (last_seen_at <= reported_at),
  last_seen_place text not null check (length(last_seen_place) between 1 and 500),
  circumstances text not null check (length(circumstances) between 1 and 4000),
  -- Age in whole years on the day of the report; null when unknown.
  age_at_report integer check (age_at_report between 0 and 120),
  grade text not null check (grade in ('absent','very_low','low','medium','high')),
  -- The APP questions answered yes by the grader.
  risk_factors text[] not null default '{}',
  -- Factors Kestrel found in the child's record at the point of decision (flags, age, history).
  history_factors text[] not null default '{}',
  suggested_grade text not null check (suggested_grade in ('absent','very_low','low','medium','high')),
  grading_reason text check (length(grading_reason) <= 4000),
  graded_by_name text not null check (length(graded_by_name) between 1 and 200),
  graded_by_staff_id uuid references staff(id),
  supervisor_name text check (length(supervisor_name) <= 200),
  supervisor_staff_id uuid references staff(id),
  -- Required when the grade is below the suggested minimum.
  below_suggestion_reason text check (length(below_suggestion_reason) <= 4000),
  review_due_at timestamptz check (review_due_at >= reported_at),
  actions text check (length(actions) <= 4000),
  -- The live trigger plan when the episode was opened, and who read it and when (MIS-04).
  trigger_plan_id uuid references trigger_plan(id),
  plan_acknowledged_at timestamptz,
  plan_acknowledged_by text check (length(plan_acknowledged_by) <= 200),
  returned_at timestamptz check (returned_at >= last_seen_at),
  found_place text check (length(found_place) <= 500),
  found_by text check (length(found_by) <= 200),
  found_with text check (length(found_with) <= 500),
  prevention_interview_at timestamptz check (prevention_interview_at >= returned_at),
  prevention_interview_by text check (length(prevention_interview_by) <= 200),
  disclosures text check (length(disclosures) <= 4000),
  la_notified_at timestamptz check (la_notified_at >= reported_at),
  return_home_interview_at timestamptz check (return_home_interview_at >= returned_at),
  return_home_interview_declined boolean not null default false,
  pac_id uuid references pac(id),
  pac_linked_at timestamptz,
  created_by text not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  version integer not null default 1,
  check (returned_at is not null or (prevention_interview_at is null and return_home_interview_at is null)),
  check ((pac_id is null) = (pac_linked_at is null))
);
create index missing_episode_person on missing_episode (person_id, reported_at);
create index missing_episode_borough on missing_episode (borough_id, reported_at);
create index missing_episode_open on missing_episode (unit_team_id) where returned_at is null;

create table missing_review (
  id uuid primary key default gen_random_uuid(),
  ref text unique check (length(ref) between 1 and 200),
  episode_id uuid not null references missing_episode(id) on delete cascade,
  reviewed_at timestamptz not null,
  reviewer_name text not null check (length(reviewer_name) between 1 and 200),
  reviewer_staff_id uuid references staff(id),
  grade text not null check (grade in ('absent','very_low','low','medium','high')),
  reason text not null check (length(reason) between 1 and 4000),
  next_review_due_at timestamptz check (next_review_due_at > reviewed_at),
  created_by text not null,
  created_at timestamptz not null,
  version integer not null default 1
);
create index missing_review_episode on missing_review (episode_id, reviewed_at);

-- How many staff a missing persons unit has on duty from a moment on (MIS-11): the latest entry counts.
create table missing_unit_duty (
  id uuid primary key default gen_random_uuid(),
  team_id uuid not null references team(id),
  on_duty_from timestamptz not null,
  staff_on_duty integer not null check (staff_on_duty between 0 and 500),
  names text check (length(names) <= 2000),
  recorded_by text not null,
  recorded_at timestamptz not null,
  version integer not null default 1
);
create index missing_unit_duty_team on missing_unit_duty (team_id, on_duty_from desc);
`,
)
