import { sqlMigration } from '../../../platform/db/migrator.ts'

/**
 * Briefings for neighbourhood teams: for a borough (or one of its wards), every active RSO living there at
 * every risk level, as it stood when the briefing was generated (a version of the area's briefing), with a
 * read receipt for each officer it was sent to. An RSO's ward is kept where known.
 */
export const briefingsMigration = sqlMigration(
  '0023-rso-briefings',
  `
alter table rso add column ward_id uuid references ward(id);

create sequence rso_briefing_ref_seq;
create table rso_briefing (
  id uuid primary key default gen_random_uuid(),
  ref text not null unique default ('BRF-' || lpad(nextval('rso_briefing_ref_seq')::text, 7, '0')),
  borough_id uuid not null references borough(id),
  -- Null: the briefing for the whole borough.
  ward_id uuid references ward(id),
  -- Versions of one area's briefing count up from 1; the highest is the current briefing.
  area_version integer not null check (area_version >= 1),
  generated_at timestamptz not null,
  generated_by text not null,
  -- The Jigsaw teams managing an RSO on it: their managers may read it wherever they work.
  manager_team_ids uuid[] not null default '{}',
  version integer not null default 1
);
create unique index rso_briefing_area_version on rso_briefing (borough_id, coalesce(ward_id, '00000000-0000-0000-0000-000000000000'::uuid), area_version);

-- An RSO on a briefing, as they stood when it was generated.
create table rso_briefing_entry (
  id uuid primary key default gen_random_uuid(),
  briefing_id uuid not null references rso_briefing(id),
  rso_id uuid not null references rso(id),
  name text not null,
  address text not null,
  risk_level text not null check (risk_level in ('low', 'medium', 'high', 'very_high')),
  conditions text not null,
  on_contact text not null,
  version integer not null default 1,
  unique (briefing_id, rso_id)
);
create index rso_briefing_entry_rso on rso_briefing_entry (rso_id);

create table rso_briefing_receipt (
  id uuid primary key default gen_random_uuid(),
  briefing_id uuid not null references rso_briefing(id),
  staff_id uuid not null references staff(id),
  sent_at timestamptz not null,
  read_at timestamptz,
  version integer not null default 1,
  unique (briefing_id, staff_id)
);
`,
)
