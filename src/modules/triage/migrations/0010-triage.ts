import { sqlMigration } from '../../../platform/db/migrator.ts'

/**
 * Device triage in Kestrel: the force's hash sets of known material (a set and its entries), seized devices
 * with their status history, and the triage results uploaded for them with their matches.
 *
 * No image content is ever stored: a match holds a path, a size, a modification time and hashes. PhotoDNA is
 * passed through from VICS lists as text and never computed.
 */
export const triageMigration = sqlMigration(
  '0010-triage',
  `
create table hash_set (
  id uuid primary key default gen_random_uuid(),
  name text not null unique check (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$'),
  format text not null check (format in ('vics', 'plain', 'pdq')),
  -- The imported file's name, without folders (they may name an officer's machine).
  source text not null check (length(source) between 1 and 500),
  source_bytes bigint not null check (source_bytes >= 0),
  -- The mapping from the list's categories to A, B, C, ungraded and ignorable, as used at import.
  category_map_name text not null check (length(category_map_name) between 1 and 100),
  category_map jsonb not null,
  -- For VICS lists: the odata.metadata / @odata.context URL and which of the two forms (1.x, 2.0).
  vics_context text,
  vics_version text check (vics_version in ('1.x', '2.0')),
  imported_at timestamptz not null,
  imported_by text not null check (length(imported_by) between 1 and 200),
  records integer not null check (records >= 0),
  md5_count integer not null check (md5_count >= 0),
  sha1_count integer not null check (sha1_count >= 0),
  pdq_count integer not null check (pdq_count >= 0),
  -- Records by Kestrel category: {"A": 1, "ungraded": 3}.
  by_category jsonb not null,
  -- Bumped each time the name is imported again (the set is replaced whole): triage results name it.
  version integer not null default 1
);

-- Entries are immutable parts of their set (a re-import replaces them all), so they carry no version of their
-- own: the set's version covers them. Kept in list order (seq) so an export gives the list back as it came.
create table hash_set_entry (
  hash_set_id uuid not null references hash_set(id) on delete cascade,
  seq integer not null check (seq >= 0),
  md5 bytea check (octet_length(md5) = 16),
  sha1 bytea check (octet_length(sha1) = 20),
  pdq bytea check (octet_length(pdq) = 32),
  pdq_quality smallint check (pdq_quality between 0 and 100),
  category text not null check (category in ('A', 'B', 'C', 'ungraded', 'ignorable')),
  -- The category as the list gave it, so an export gives back what was imported.
  source_category text check (length(source_category) <= 200),
  media_id text check (length(media_id) <= 200),
  series text check (length(series) <= 2000),
  photo_dna text check (length(photo_dna) <= 10000),
  primary key (hash_set_id, seq),
  check (md5 is not null or sha1 is not null or pdq is not null)
);

create sequence device_ref_seq;

create table device (
  id uuid primary key default gen_random_uuid(),
  -- The exhibit reference; Kestrel gives KD-nnnnnnn to devices recorded without one.
  ref text not null unique default ('KD-' || lpad(nextval('device_ref_seq')::text, 7, '0'))
    check (ref ~ '^[[:alnum:]][[:alnum:] ._/-]{0,99}$'),
  description text not null check (length(description) between 1 and 500),
  device_kind text not null check (device_kind in ('phone', 'laptop', 'tablet', 'storage', 'other')),
  case_ref text check (length(case_ref) <= 200),
  seized_at timestamptz not null,
  owner_person_id uuid references person(id),
  -- The team holding the exhibit, and the area it belongs to (kept, so it stays through reorganisations).
  team_id uuid references team(id),
  borough_id uuid references borough(id),
  bcu_id uuid references bcu(id),
  -- The latest status event's status and time, kept here for lists; the events are the record.
  status text not null check (status in ('seized', 'triaged', 'submitted', 'examined', 'returned')),
  status_at timestamptz not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  version integer not null default 1,
  check (status_at >= seized_at)
);
create index device_area on device (bcu_id, status);
create index device_owner on device (owner_person_id);

create table device_status_event (
  id uuid primary key default gen_random_uuid(),
  device_id uuid not null references device(id) on delete cascade,
  status text not null check (status in ('seized', 'triaged', 'submitted', 'examined', 'returned')),
  at timestamptz not null,
  note text check (length(note) <= 2000),
  recorded_by text not null,
  recorded_at timestamptz not null,
  version integer not null default 1
);
create index device_status_event_device on device_status_event (device_id, status, at);

create table triage_result (
  id uuid primary key default gen_random_uuid(),
  -- The result's reference: <device ref>@<started at, ISO>; storing a result again with it replaces it.
  ref text not null unique check (length(ref) between 1 and 300),
  device_id uuid not null references device(id) on delete cascade,
  started_at timestamptz not null,
  -- When the run finished: the time the result speaks for.
  run_at timestamptz not null,
  complete boolean not null,
  interruption text check (length(interruption) <= 500),
  tool_version text not null check (length(tool_version) between 1 and 100),
  -- The hash sets matched against, with their versions where they came from Kestrel's database:
  -- [{"name": "caid-2018-08", "version": 3, "importedAt": "...", "records": 120000}].
  hash_sets jsonb not null,
  known_records integer not null check (known_records >= 0),
  threshold integer not null check (threshold between 0 and 256),
  dihedral boolean not null,
  files integer not null check (files >= 0),
  bytes bigint not null check (bytes >= 0),
  images integer not null check (images >= 0),
  videos integer not null check (videos >= 0),
  unreadable integer not null check (unreadable >= 0),
  problems integer not null check (problems >= 0),
  exact_matches integer not null check (exact_matches >= 0),
  near_matches integer not null check (near_matches >= 0),
  exact_a integer not null, exact_b integer not null, exact_c integer not null,
  exact_ungraded integer not null, exact_ignorable integer not null,
  near_a integer not null, near_b integer not null, near_c integer not null,
  near_ungraded integer not null, near_ignorable integer not null,
  decision text not null
    check (decision in ('submit-for-full-examination', 'no-known-material-found', 'could-not-complete')),
  reason text not null check (length(reason) <= 4000),
  -- How the result came in: uploaded by a laptop's report, imported, or written by kestrel triage --upload.
  received_by text not null,
  received_at timestamptz not null,
  received_via text not null check (received_via in ('upload', 'import', 'cli')),
  version integer not null default 1,
  -- The same report uploaded twice is one result.
  unique (device_id, started_at, run_at),
  check (run_at >= started_at)
);
create index triage_result_device on triage_result (device_id, run_at);

-- One row a matched file: paths, sizes, times and hashes only, never image content.
create table triage_match (
  id uuid primary key default gen_random_uuid(),
  triage_result_id uuid not null references triage_result(id) on delete cascade,
  match_kind text not null check (match_kind in ('exact', 'near')),
  path text not null check (length(path) between 1 and 4096),
  size bigint not null check (size >= 0),
  modified_at timestamptz,
  md5 text check (md5 ~ '^[0-9a-f]{32}$'),
  sha1 text check (sha1 ~ '^[0-9a-f]{40}$'),
  pdq text check (pdq ~ '^[0-9a-f]{64}$'),
  quality integer check (quality between 0 and 100),
  distance integer check (distance between 0 and 256),
  orientation text check (length(orientation) <= 40),
  -- The most serious category among the file's known records, and the sets they came from.
  category text not null check (category in ('A', 'B', 'C', 'ungraded', 'ignorable')),
  hash_sets text[] not null,
  media_id text check (length(media_id) <= 200),
  known_pdq text check (known_pdq ~ '^[0-9a-f]{64}$'),
  version integer not null default 1,
  check (match_kind <> 'near' or (pdq is not null and distance is not null))
);
create index triage_match_result on triage_match (triage_result_id, match_kind, path);
`,
)
