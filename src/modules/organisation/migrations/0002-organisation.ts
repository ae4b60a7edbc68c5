import { sqlMigration } from '../../../platform/db/migrator.ts'

/**
 * The force's structure over time: BCUs, boroughs and which BCU each borough belonged to on which days,
 * then the teams, staff and training that the practice standards ask about.
 *
 * Overlapping memberships of one borough are refused by a trigger rather than an exclusion constraint:
 * an exclusion constraint on (uuid =, daterange &&) needs btree_gist, which PostgreSQL 15 ships but the
 * embedded database only has when the extension is loaded at open. The service also locks the borough row
 * while it reorganises, so two reorganisations of one borough cannot race past the trigger.
 */
export const organisationMigration = sqlMigration(
  '0002-organisation',
  `
create table force (
  id uuid primary key default gen_random_uuid(),
  code text not null unique check (code ~ '^[A-Z0-9]{2,10}$'),
  name text not null check (length(name) between 1 and 200),
  version integer not null default 1
);

create table bcu (
  id uuid primary key default gen_random_uuid(),
  force_id uuid not null references force(id),
  code text not null check (code ~ '^[A-Z0-9]{1,10}$'),
  name text not null check (length(name) between 1 and 200),
  version integer not null default 1,
  unique (force_id, code),
  unique (force_id, name)
);

create table borough (
  id uuid primary key default gen_random_uuid(),
  force_id uuid not null references force(id),
  name text not null check (length(name) between 1 and 200),
  version integer not null default 1,
  unique (force_id, name)
);

-- effective_to is the last day of membership (inclusive); null means still current.
create table borough_bcu (
  id uuid primary key default gen_random_uuid(),
  borough_id uuid not null references borough(id),
  bcu_id uuid not null references bcu(id),
  effective_from date not null,
  effective_to date,
  version integer not null default 1,
  check (effective_to is null or effective_to >= effective_from),
  unique (borough_id, effective_from)
);
create index borough_bcu_bcu on borough_bcu(bcu_id, effective_from);

create function borough_bcu_no_overlap() returns trigger language plpgsql as $$
begin
  if exists (
    select 1 from borough_bcu other
    where other.borough_id = new.borough_id
      and other.id <> new.id
      and daterange(other.effective_from, other.effective_to, '[]')
          && daterange(new.effective_from, new.effective_to, '[]')
  ) then
    raise exception 'borough % would be in two BCUs at once from %', new.borough_id, new.effective_from
      using errcode = 'exclusion_violation';
  end if;
  return new;
end $$;
create trigger borough_bcu_no_overlap before insert or update on borough_bcu
  for each row execute function borough_bcu_no_overlap();

create table team (
  id uuid primary key default gen_random_uuid(),
  force_id uuid not null references force(id),
  name text not null check (length(name) between 1 and 200),
  kind text not null check (kind in ('mash', 'cait', 'sapphire', 'missing_persons_unit', 'custody_suite',
    'jigsaw', 'online_csae', 'dit', 'response_neighbourhood', 'command')),
  borough_id uuid references borough(id),
  bcu_id uuid references bcu(id),
  capacity integer check (capacity is null or capacity between 1 and 1000),
  review_cadence_days integer check (review_cadence_days is null or review_cadence_days between 1 and 365),
  active boolean not null default true,
  version integer not null default 1,
  -- A team serves one borough (its BCU follows the borough through reorganisations), one BCU, or the force.
  check (borough_id is null or bcu_id is null),
  unique (force_id, name)
);
create index team_borough on team(borough_id);
create index team_bcu on team(bcu_id);

create table staff (
  id uuid primary key default gen_random_uuid(),
  force_id uuid not null references force(id),
  staff_number text not null check (staff_number ~ '^[A-Za-z0-9]{1,20}$'),
  name text not null check (length(name) between 1 and 200),
  rank text not null check (rank in ('constable', 'sergeant', 'inspector', 'chief_inspector', 'superintendent',
    'chief_superintendent', 'commander', 'police_staff')),
  role text not null default '' check (length(role) <= 200),
  team_id uuid references team(id),
  start_date date not null,
  active boolean not null default true,
  version integer not null default 1,
  unique (force_id, staff_number)
);
create index staff_team on staff(team_id) where active;
create index staff_name_trgm on staff using gin (name gin_trgm_ops);

create table training_record (
  id uuid primary key default gen_random_uuid(),
  staff_id uuid not null references staff(id),
  course text not null check (course in ('specialist_child_abuse_investigators_development_programme',
    'abe_interviewing', 'missing_persons_5_day', 'safeguarding_1_week', 'iioc_investigation')),
  completed_on date not null,
  version integer not null default 1
);
create index training_record_staff on training_record(staff_id, course);
`,
)
