import { sqlMigration } from '../../../platform/db/migrator.ts'

/**
 * Deportee arrivals: a sex offender deported to this country, notified before they land (the country,
 * the flight, when it is expected), the officers assigned to meet it, and the notification order applied for
 * and its result on the day: the practice the report praised. The arrival lies in the borough where the
 * person will live, or the airport's.
 */
export const deporteeArrivalsMigration = sqlMigration(
  '0024-deportee-arrivals',
  `
create sequence deportee_arrival_ref_seq;
create table deportee_arrival (
  id uuid primary key default gen_random_uuid(),
  ref text not null unique default ('ARR-' || lpad(nextval('deportee_arrival_ref_seq')::text, 7, '0'))
    check (length(ref) between 1 and 100),
  -- The person in the person index, once they are in it; their name as notified until then.
  person_id uuid references person(id),
  name text not null check (length(name) between 1 and 200),
  country text not null check (length(country) between 1 and 100),
  flight text not null check (length(flight) between 1 and 20),
  expected_at timestamptz not null,
  borough_id uuid not null references borough(id),
  bcu_id uuid references bcu(id),
  team_id uuid references team(id),
  officers text check (length(officers) <= 500),
  met_at timestamptz,
  order_applied_at timestamptz,
  order_result text check (order_result in ('granted', 'refused', 'adjourned')),
  order_result_at timestamptz,
  notes text check (length(notes) <= 4000),
  recorded_by text not null,
  created_at timestamptz not null,
  version integer not null default 1,
  check ((order_result is null) = (order_result_at is null)),
  check (order_result is null or order_applied_at is not null)
);
create index deportee_arrival_expected on deportee_arrival (expected_at);
`,
)
