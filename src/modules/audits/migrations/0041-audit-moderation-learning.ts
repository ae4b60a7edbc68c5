import { sqlMigration } from '../../../platform/db/migrator.ts'

/**
 * What follows an audit (issue 21, items 3 to 5): moderation by a second auditor of a share of a programme's
 * audits (both grades kept, a disagreement resolved with its reasons), the BCU of the audited case (for
 * findings and figures), learning points tagged by theme, and force-wide bulletins of them with a read
 * receipt for each reader.
 */
export const auditModerationLearningMigration = sqlMigration(
  '0041-audit-moderation-learning',
  `
alter table audit add column bcu_id uuid references bcu(id);
alter table audit add column moderation_due boolean not null default false;

create table audit_moderation (
  audit_id uuid primary key references audit(id) on delete cascade,
  moderator text not null check (length(moderator) between 1 and 200),
  moderator_staff_id uuid references staff(id),
  moderated_on date not null,
  auditor_grade text not null check (auditor_grade in ('good', 'requires_improvement', 'inadequate')),
  moderator_grade text not null check (moderator_grade in ('good', 'requires_improvement', 'inadequate')),
  note text check (length(note) <= 5000),
  resolved_grade text check (resolved_grade in ('good', 'requires_improvement', 'inadequate')),
  resolution text check (length(resolution) <= 5000),
  resolved_by text,
  resolved_on date,
  check ((resolved_grade is null) = (resolved_on is null)),
  check (resolved_on is null or resolved_on >= moderated_on),
  version integer not null default 1
);

create sequence audit_learning_ref_seq;
create table audit_learning (
  id uuid primary key default gen_random_uuid(),
  ref text not null unique default ('AL-' || lpad(nextval('audit_learning_ref_seq')::text, 6, '0')),
  audit_id uuid references audit(id),
  theme text not null check (theme in ('initial_response', 'child_seen_and_heard', 'risk_assessment',
    'information_sharing', 'strategy_and_multi_agency', 'supervision', 'investigation_and_timeliness',
    'outcome_for_child')),
  text text not null check (length(text) between 1 and 5000),
  borough_id uuid references borough(id),
  bcu_id uuid references bcu(id),
  recorded_at timestamptz not null,
  recorded_by text not null,
  version integer not null default 1
);
create index audit_learning_recorded on audit_learning (recorded_at);

create sequence audit_bulletin_ref_seq;
create table audit_bulletin (
  id uuid primary key default gen_random_uuid(),
  ref text not null unique default ('ALB-' || lpad(nextval('audit_bulletin_ref_seq')::text, 5, '0')),
  title text not null check (length(title) between 1 and 200),
  published_at timestamptz not null,
  published_by text not null,
  version integer not null default 1
);

create table audit_bulletin_item (
  bulletin_id uuid not null references audit_bulletin(id) on delete cascade,
  learning_id uuid not null references audit_learning(id),
  primary key (bulletin_id, learning_id)
);
create index audit_bulletin_item_learning on audit_bulletin_item (learning_id);

create table audit_bulletin_read (
  bulletin_id uuid not null references audit_bulletin(id) on delete cascade,
  user_id uuid not null references app_user(id),
  staff_id uuid references staff(id),
  reader_name text not null check (length(reader_name) between 1 and 200),
  read_at timestamptz not null,
  primary key (bulletin_id, user_id)
);
`,
)
