import { sqlMigration } from '../../../platform/db/migrator.ts'

/**
 * Wards, the areas inside a borough that safer neighbourhood teams police, and the neighbourhood team kind:
 * a team of a borough that may serve one ward. The offenders module briefs them on the RSOs living there.
 */
export const wardsMigration = sqlMigration(
  '0022-wards-and-neighbourhood-teams',
  `
create table ward (
  id uuid primary key default gen_random_uuid(),
  borough_id uuid not null references borough(id),
  name text not null check (length(name) between 1 and 200),
  version integer not null default 1,
  unique (borough_id, name)
);

alter table team drop constraint team_kind_check;
alter table team add constraint team_kind_check check (kind in ('mash', 'cait', 'sapphire', 'missing_persons_unit',
  'custody_suite', 'jigsaw', 'online_csae', 'dit', 'response_neighbourhood', 'neighbourhood', 'command'));

-- A neighbourhood team may serve one ward of its borough.
alter table team add column ward_id uuid references ward(id);
alter table team add constraint team_ward_in_borough check (ward_id is null or borough_id is not null);
create index team_ward on team(ward_id) where ward_id is not null;
`,
)
