import { sqlMigration } from '../../../platform/db/migrator.ts'

/**
 * A child's detention in police custody: the detention itself (who, where, why, arrest) and a timeline of
 * typed events (arrival, detention authorised, the appropriate adult, rights, reviews, charge, bail,
 * requests to the local authority, leaving custody...). Events carry typed columns for everything a rule
 * or a measure asks about; each kind's required columns are checked here as well as in the service.
 *
 * The child is a person of the children module, the suite a team of kind custody_suite of the organisation
 * module. The linked PAC is kept by its Merlin reference, since the referrals module owns PACs.
 */
export const custodyMigration = sqlMigration(
  '0007-custody',
  `
create sequence custody_detention_ref_seq;

create table custody_detention (
  id uuid primary key default gen_random_uuid(),
  -- The reference imports and other systems use; Kestrel gives KC-nnnnnnn to detentions it creates.
  ref text not null unique default ('KC-' || lpad(nextval('custody_detention_ref_seq')::text, 7, '0'))
    check (length(ref) between 1 and 200),
  person_id uuid not null references person(id),
  custody_suite_team_id uuid not null references team(id),
  -- The suite's borough and BCU on the day of arrest, kept so findings and measures stay in the area the
  -- detention happened in through later reorganisations.
  borough_id uuid references borough(id),
  bcu_id uuid references bcu(id),
  -- Custody record number in the suite's own system, when known.
  custody_record_number text check (length(custody_record_number) <= 50),
  offences text[] not null check (cardinality(offences) between 1 and 20),
  arrested_at timestamptz not null,
  -- Age in whole years on the day of arrest, from the date of birth (or estimate); null when unknown.
  age_at_arrest integer check (age_at_arrest between 0 and 120),
  -- PACE Code C 1.5: anyone who appears to be under 18 is treated as a juvenile without clear evidence otherwise.
  appears_under_18 boolean not null default false,
  pac_ref text check (length(pac_ref) <= 200),
  pac_linked_at timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  version integer not null default 1,
  check (age_at_arrest is null or age_at_arrest < 18 or appears_under_18),
  check ((pac_ref is null) = (pac_linked_at is null))
);
create index custody_detention_suite on custody_detention (custody_suite_team_id, arrested_at);
create index custody_detention_person on custody_detention (person_id, arrested_at);

create table custody_event (
  id uuid primary key default gen_random_uuid(),
  detention_id uuid not null references custody_detention(id) on delete cascade,
  kind text not null check (kind in ('arrived', 'relevant_time', 'detention_authorised', 'welfare_informed',
    'aa_contacted', 'aa_arrived', 'aa_left', 'rights_given', 'risk_assessed', 'healthcare_requested',
    'healthcare_seen', 'interview', 'search', 'review', 'review_told', 'extension', 'charged', 'bail_decision',
    'accommodation_request', 'la_response', 'escalation', 'detention_certificate', 'left_custody')),
  at timestamptz not null,
  -- Who: the appropriate adult, the person informed, the healthcare professional, the person escalated to.
  person_name text check (length(person_name) <= 200),
  -- aa_contacted: parent, guardian, social_worker, volunteer, other.
  aa_relationship text check (aa_relationship in ('parent', 'guardian', 'social_worker', 'volunteer', 'other')),
  -- The officer who authorised, reviewed, extended, ratified or was escalated to, and their rank.
  officer_name text check (length(officer_name) <= 200),
  officer_rank text check (officer_rank in ('constable', 'sergeant', 'inspector', 'chief_inspector',
    'superintendent', 'chief_superintendent', 'commander', 'police_staff')),
  aa_present boolean,
  -- rights_given: the appropriate adult countersigned the notice of rights and entitlements.
  countersigned boolean,
  -- review: held in person; when not, why (the child asleep, in interview, other).
  in_person boolean,
  absence_reason text check (absence_reason in ('asleep', 'in_interview', 'other')),
  observation_level text check (observation_level in ('level_1', 'level_2', 'level_3', 'level_4')),
  -- interview: the end; urgent interview authority (Code C 11.1, 11.18) by officer_name.
  ended_at timestamptz,
  urgent_interview_authorised boolean,
  -- search: strip (exposing intimate parts, Code C Annex A para 11) or other; who was present; why urgent.
  search_type text check (search_type in ('strip', 'intimate', 'other')),
  persons_present text check (length(persons_present) <= 500),
  urgency_reason text check (length(urgency_reason) <= 2000),
  -- extension: superintendent (s42, to 36 h) or warrant of further detention (s43/s44, to a stated time).
  extension_kind text check (extension_kind in ('superintendent', 'warrant')),
  extended_until timestamptz,
  bail_refused boolean,
  -- accommodation_request to the local authority (s38(6)): secure or not, and who ratified a secure request.
  secure boolean,
  local_authority text check (length(local_authority) <= 200),
  ratified_by text check (length(ratified_by) <= 200),
  ratified_at timestamptz,
  -- la_response: what the local authority said to a request (related_event_id).
  la_response text check (la_response in ('accepted', 'no_accommodation', 'refused', 'no_response')),
  -- review_told answers a review held in the child's absence; la_response answers a request.
  related_event_id uuid references custody_event(id),
  representations text check (length(representations) <= 2000),
  -- left_custody: where the child went.
  destination text check (destination in ('released_no_further_action', 'released_on_bail',
    'released_under_investigation', 'la_non_secure', 'la_secure', 'court', 'other')),
  -- Why: the s38(6) certificate's reason, the healthcare need, the bail refusal grounds, an escalation.
  reason text check (length(reason) <= 2000),
  note text check (length(note) <= 2000),
  recorded_by text not null,
  recorded_at timestamptz not null,
  version integer not null default 1,
  check (kind <> 'aa_contacted' or person_name is not null),
  check (kind <> 'rights_given' or (aa_present is not null and countersigned is not null)),
  check (kind <> 'risk_assessed' or observation_level is not null),
  check (kind <> 'interview' or (aa_present is not null and (ended_at is null or ended_at >= at))),
  check (kind <> 'search' or search_type is not null),
  check (search_type is null or search_type = 'other' or officer_name is not null),
  check (search_type is null or search_type = 'other' or aa_present is not null),
  check (kind <> 'review' or (officer_name is not null and officer_rank is not null and in_person is not null)),
  check (kind <> 'review' or in_person or absence_reason is not null),
  check (kind <> 'review_told' or related_event_id is not null),
  check (kind <> 'extension' or (extension_kind is not null and officer_name is not null)),
  check (kind <> 'bail_decision' or bail_refused is not null),
  check (kind <> 'accommodation_request' or secure is not null),
  check (kind <> 'la_response' or (la_response is not null and related_event_id is not null)),
  check (kind <> 'escalation' or (officer_name is not null and officer_rank is not null)),
  check (kind <> 'detention_certificate' or reason is not null),
  check (kind <> 'left_custody' or destination is not null)
);
create index custody_event_detention on custody_event (detention_id, kind, at);
create index custody_event_kind_at on custody_event (kind, at);
`,
)
