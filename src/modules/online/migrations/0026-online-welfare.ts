import { sqlMigration } from '../../../platform/db/migrator.ts'

/**
 * The welfare of the people who view or grade indecent images (ONL-08): who does it (a staff attribute, from
 * a date, by their role or because they grade), their psychological screenings, and the images each grades a
 * month. Staff records are the organisation module's; these rows only name them.
 */
export const onlineWelfareMigration = sqlMigration(
  '0026-online-welfare',
  `
create table iioc_viewer (
  id uuid primary key default gen_random_uuid(),
  staff_id uuid not null references staff(id),
  basis text not null check (basis in ('role', 'grading')),
  from_date date not null,
  to_date date check (to_date is null or to_date >= from_date),
  recorded_by text not null,
  version integer not null default 1,
  unique (staff_id, from_date)
);
create index iioc_viewer_staff on iioc_viewer (staff_id);

create sequence welfare_screening_ref_seq;
create table welfare_screening (
  id uuid primary key default gen_random_uuid(),
  ref text not null unique default ('WS-' || lpad(nextval('welfare_screening_ref_seq')::text, 7, '0'))
    check (length(ref) between 1 and 100),
  staff_id uuid not null references staff(id),
  screened_on date not null,
  recorded_by text not null,
  version integer not null default 1
);
create index welfare_screening_staff on welfare_screening (staff_id, screened_on);

create table iioc_grading_month (
  id uuid primary key default gen_random_uuid(),
  staff_id uuid not null references staff(id),
  -- The first day of the month.
  month date not null check (extract(day from month) = 1),
  images integer not null check (images >= 0),
  version integer not null default 1,
  unique (staff_id, month)
);
`,
)
