import { sqlMigration } from '../../../platform/db/migrator.ts'

/**
 * The recommendations tracker (issue 22, item 5): each recommendation of the inspection reports, the
 * actions the force takes on it (each owned by a member of staff), their milestones and the evidence that
 * shows them done. A recommendation has no area: it is the force's, so none of these tables holds a borough.
 * Every table keeps an id and a version, so writes go through the history kernel (change_history).
 */
export const recommendationsMigration = sqlMigration(
  '0035-recommendations',
  `
create table recommendation (
  id uuid primary key default gen_random_uuid(),
  -- R2016-01 .. R2018-02: the report's year and the recommendation's place in the report's own list.
  ref text not null unique check (ref ~ '^R[0-9]{4}-[0-9]{2}$'),
  report_year integer not null check (report_year between 2000 and 2100),
  time_frame text not null check (time_frame in ('immediately', 'three_months', 'six_months')),
  position integer not null check (position >= 1),
  text text not null check (length(text) between 1 and 10000),
  -- The day the report made it (the earliest its words allow) and the day its time frame ends.
  made_on date not null,
  due_on date not null check (due_on >= made_on),
  version integer not null default 1,
  unique (report_year, position)
);

create table recommendation_action (
  id uuid primary key default gen_random_uuid(),
  recommendation_id uuid not null references recommendation(id),
  title text not null check (length(title) between 1 and 2000),
  owner_staff_id uuid not null references staff(id),
  status text not null default 'in_progress' check (status in ('in_progress', 'complete')),
  -- Set when the action is marked complete, which needs evidence: the day it was done.
  completed_on date,
  created_at timestamptz not null,
  version integer not null default 1,
  check ((status = 'complete') = (completed_on is not null))
);
create index recommendation_action_recommendation on recommendation_action(recommendation_id);

create table recommendation_milestone (
  id uuid primary key default gen_random_uuid(),
  action_id uuid not null references recommendation_action(id),
  title text not null check (length(title) between 1 and 500),
  due_on date not null,
  created_at timestamptz not null,
  version integer not null default 1
);
create index recommendation_milestone_action on recommendation_milestone(action_id);

create table recommendation_evidence (
  id uuid primary key default gen_random_uuid(),
  action_id uuid not null references recommendation_action(id),
  -- The milestone it shows met, if it is for one; evidence for the action as a whole has none.
  milestone_id uuid references recommendation_milestone(id),
  -- A measure of the registry (its id), an audit programme (free text until the audits module lands) or a
  -- document (its reference in the force's document store).
  kind text not null check (kind in ('measure', 'audit', 'document')),
  reference text not null check (length(reference) between 1 and 200),
  description text check (length(description) <= 2000),
  evidence_on date not null,
  created_at timestamptz not null,
  version integer not null default 1
);
create index recommendation_evidence_action on recommendation_evidence(action_id);
create index recommendation_evidence_milestone on recommendation_evidence(milestone_id);
`,
)
