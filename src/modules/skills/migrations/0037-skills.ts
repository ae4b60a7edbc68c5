import { sqlMigration } from '../../../platform/db/migrator.ts'

/**
 * The skills audit's own records: which courses each kind of team (and, where it differs, each role in it)
 * requires, effective-dated so an audit of a past day reads the requirements then in force; and the courses
 * booked for people, so the audit can tell who is scheduled from who has no plan. The organisation module's
 * training records hold only courses completed (a completion date may not be in the future), so bookings
 * live here. Both keep their history through the history kernel (change_history).
 */
export const skillsMigration = sqlMigration(
  '0037-skills',
  `
create table required_course (
  id uuid primary key default gen_random_uuid(),
  -- A team kind of the organisation module; checked by the service, so a new kind needs no migration here.
  team_kind text not null check (length(team_kind) between 1 and 50),
  -- '' for every role in the team; otherwise the staff role it applies to (compared without case).
  staff_role text not null default '' check (length(staff_role) <= 200),
  course text not null check (length(course) between 1 and 100),
  effective_from date not null,
  -- The last day it applies (inclusive); null while it still does.
  effective_to date,
  -- Where the requirement comes from: the report's words, a force decision.
  source text not null default '' check (length(source) <= 500),
  version integer not null default 1,
  check (effective_to is null or effective_to >= effective_from)
);
create index required_course_kind on required_course(team_kind, course);

create table training_booking (
  id uuid primary key default gen_random_uuid(),
  ref text not null unique check (length(ref) between 1 and 100),
  staff_id uuid not null references staff(id),
  course text not null check (length(course) between 1 and 100),
  scheduled_on date not null,
  created_at timestamptz not null default now(),
  version integer not null default 1
);
create index training_booking_staff on training_booking(staff_id, course, scheduled_on);
`,
)
