import { sqlMigration } from '../../../platform/db/migrator.ts'

/**
 * PACs (Merlin pre-assessment checks) and their path: supervisor review, sharing with the MASH, the BRAG
 * rating and decision, children's social care's outcome and the police follow-up. The service checks the
 * order of the steps and names the field; the constraints here are the backstop.
 *
 * borough_id is where the concern arose (the rules' per-borough timescales use it) and bcu_id the BCU that
 * borough was in when the PAC was created, kept so lists and findings stay with the area that owned the
 * work even after a reorganisation.
 */
export const referralsMigration = sqlMigration(
  '0006-referrals',
  `
create sequence pac_ref_seq;

create table pac (
  id uuid primary key default gen_random_uuid(),
  ref text not null unique default ('PAC-' || lpad(nextval('pac_ref_seq')::text, 7, '0')),
  person_id uuid not null references person(id),
  about_kind text not null check (about_kind in ('incident', 'missing_episode', 'custody_detention',
    'investigation', 'offender')),
  -- The linked record's ref in its own module (which may not be in Kestrel yet).
  about_ref text check (length(about_ref) <= 100),
  about_summary text not null check (length(btrim(about_summary)) between 1 and 5000),
  concerns text[] not null check (cardinality(concerns) >= 1 and concerns <@ array['child_abuse', 'online_csea',
    'rape_serious_sexual_offences_sex_workers', 'young_offenders', 'cse', 'hate_crime',
    'domestic_abuse_stalking_harassment', 'harmful_traditional_practices', 'mental_health_drugs_alcohol_suicide',
    'missing_people', 'modern_slavery_trafficking_cce', 'vulnerable_adults']),
  risk_level text not null check (risk_level in ('standard', 'medium', 'high')),
  risk_assessment text not null check (length(risk_assessment) <= 5000),
  child_spoken_to boolean not null,
  voice_of_child text not null check (length(voice_of_child) <= 5000),
  police_first_knew_at timestamptz not null,
  created_at timestamptz not null,
  -- When it last went to the supervisor: created_at, or when the officer resubmitted it after a return.
  submitted_at timestamptz not null,
  raised_by_staff_id uuid references staff(id),
  raised_by_name text not null check (length(btrim(raised_by_name)) between 1 and 200),
  raised_by_team_id uuid references team(id),
  created_by text not null,
  borough_id uuid not null references borough(id),
  bcu_id uuid references bcu(id),
  reviewed_at timestamptz,
  reviewed_by_staff_id uuid references staff(id),
  reviewed_by_name text,
  review_decision text check (review_decision in ('approved', 'returned')),
  review_note text check (length(review_note) <= 5000),
  shared_with_mash_at timestamptz,
  mash_brag text check (mash_brag in ('blue', 'red', 'amber', 'green')),
  mash_rated_at timestamptz,
  mash_decision_at timestamptz,
  outcome text check (outcome in ('nfa', 'early_help', 'section_17', 'section_47', 'already_open')),
  outcome_reason text check (length(outcome_reason) <= 5000),
  feedback_at timestamptz,
  follow_up text check (length(follow_up) <= 5000),
  follow_up_at timestamptz,
  updated_at timestamptz not null,
  version integer not null default 1,
  check (police_first_knew_at <= created_at),
  check (submitted_at >= created_at),
  check ((reviewed_at is null) = (review_decision is null)),
  check (reviewed_at is null or reviewed_at >= created_at),
  check (review_decision <> 'returned' or shared_with_mash_at is null),
  check (shared_with_mash_at is null or shared_with_mash_at >= created_at),
  check (mash_brag is null or shared_with_mash_at is not null),
  check (mash_decision_at is null or (mash_brag is not null and mash_decision_at >= shared_with_mash_at)),
  check (outcome is null or (shared_with_mash_at is not null and feedback_at is not null)),
  check (outcome <> 'nfa' or outcome_reason is not null),
  check (feedback_at is null or feedback_at >= shared_with_mash_at)
);
create index pac_person on pac (person_id, created_at);
create index pac_borough_created on pac (borough_id, created_at);
create index pac_bcu_created on pac (bcu_id, created_at);
create index pac_awaiting_review on pac (submitted_at) where reviewed_at is null;
create index pac_with_mash on pac (shared_with_mash_at) where shared_with_mash_at is not null and outcome is null;
create index pac_about on pac (about_kind, about_ref) where about_ref is not null;

-- A PAC being raised: the answers so far, kept on the server so a validation error or a closed tab loses
-- nothing. One row per journey; removed when the PAC is created.
create table pac_draft (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references app_user(id) on delete cascade,
  answers jsonb not null default '{}',
  created_at timestamptz not null,
  updated_at timestamptz not null,
  version integer not null default 1
);
create index pac_draft_user on pac_draft (user_id, updated_at);
`,
)
