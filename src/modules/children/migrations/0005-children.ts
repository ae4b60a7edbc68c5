import { sqlMigration } from '../../../platform/db/migrator.ts'

/**
 * The person index: children and the adults around them, their addresses (and so their borough), flags
 * with dates, households and relationships. Periods are inclusive: a row applies on day d when
 * from_date <= d and (to_date is null or to_date >= d).
 *
 * Search uses pg_trgm (similar spellings, "Smyth" for "Smith") and fuzzystrmatch's double metaphone
 * (sound-alikes, "Jon" for "John"); both extensions are created by 0001.
 */
export const childrenMigration = sqlMigration(
  '0005-children',
  `
create sequence person_ref_seq;

create table person (
  id uuid primary key default gen_random_uuid(),
  -- The reference other systems and imports use; Kestrel gives KP-nnnnnnn to people it creates.
  ref text not null unique default ('KP-' || lpad(nextval('person_ref_seq')::text, 7, '0')),
  family_name text not null check (length(btrim(family_name)) between 1 and 200),
  given_names text not null default '' check (length(given_names) <= 200),
  date_of_birth date check (date_of_birth >= date '1900-01-01'),
  estimated_age_years integer check (estimated_age_years between 0 and 120),
  -- The day the estimate was made, so an estimated age can be carried forward to any later date.
  estimated_age_on date,
  gender text not null default 'not known' check (gender in ('female', 'male', 'other', 'not known')),
  ethnicity text not null default 'NS' check (ethnicity in (
    'W1', 'W2', 'W3', 'W4', 'W9', 'M1', 'M2', 'M3', 'M9', 'A1', 'A2', 'A3', 'A4', 'A9',
    'B1', 'B2', 'B9', 'O1', 'O9', 'NS')),
  merged_into uuid references person(id),
  merged_at timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  version integer not null default 1,
  check (date_of_birth is not null or estimated_age_years is not null),
  check ((estimated_age_years is null) = (estimated_age_on is null)),
  check (merged_into is null or merged_into <> id)
);
create index person_family_name_trgm on person using gin (family_name gin_trgm_ops);
create index person_given_names_trgm on person using gin (given_names gin_trgm_ops);
create index person_family_name_sound on person (dmetaphone(family_name));
create index person_first_given_name_sound on person (dmetaphone(split_part(given_names, ' ', 1)));
create index person_date_of_birth on person (date_of_birth);
create index person_merged_into on person (merged_into) where merged_into is not null;

create table person_address (
  id uuid primary key default gen_random_uuid(),
  person_id uuid not null references person(id),
  address text not null check (length(btrim(address)) between 1 and 500),
  postcode text,
  -- The borough the address lies in (the organisation module's borough), which places the person in an area.
  borough_id uuid references borough(id),
  from_date date not null,
  to_date date,
  created_at timestamptz not null,
  version integer not null default 1,
  check (to_date is null or to_date >= from_date),
  unique (person_id, from_date)
);
create index person_address_borough on person_address (borough_id) where to_date is null;

create table person_flag (
  id uuid primary key default gen_random_uuid(),
  -- Set when the flag came from an import, so re-importing the line updates it.
  ref text unique,
  person_id uuid not null references person(id),
  flag text not null check (flag in ('looked_after', 'child_protection_plan', 'child_in_need', 'cse_risk',
    'cce_risk', 'missing_history', 'send', 'mental_health')),
  -- The placing authority for looked_after; the category for child_protection_plan.
  detail text,
  from_date date not null,
  to_date date,
  created_at timestamptz not null,
  version integer not null default 1,
  check (to_date is null or to_date >= from_date),
  check (flag <> 'child_protection_plan' or detail is null or detail in
    ('neglect', 'physical abuse', 'sexual abuse', 'emotional abuse', 'multiple'))
);
create index person_flag_person on person_flag (person_id, from_date);

create table household (
  id uuid primary key default gen_random_uuid(),
  ref text not null unique default ('KH-' || lpad(nextval('person_ref_seq')::text, 7, '0')),
  created_at timestamptz not null,
  version integer not null default 1
);

create table household_membership (
  id uuid primary key default gen_random_uuid(),
  ref text unique,
  household_id uuid not null references household(id),
  person_id uuid not null references person(id),
  role text not null check (role in ('parent', 'carer', 'child', 'lodger', 'other adult')),
  from_date date not null,
  to_date date,
  created_at timestamptz not null,
  version integer not null default 1,
  check (to_date is null or to_date >= from_date)
);
create index household_membership_household on household_membership (household_id, from_date);
create index household_membership_person on household_membership (person_id, from_date);

create table relationship (
  id uuid primary key default gen_random_uuid(),
  person_a uuid not null references person(id),
  person_b uuid not null references person(id),
  -- Read as "person_a is the <kind> of person_b"; sibling and associate read the same both ways.
  kind text not null check (kind in ('parent', 'carer', 'sibling', 'associate')),
  from_date date,
  to_date date,
  created_at timestamptz not null,
  version integer not null default 1,
  check (person_a <> person_b),
  check (to_date is null or from_date is null or to_date >= from_date)
);
create index relationship_a on relationship (person_a);
create index relationship_b on relationship (person_b);
`,
)
