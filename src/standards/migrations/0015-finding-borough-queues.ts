import { sqlMigration } from '../../platform/db/migrator.ts'

/**
 * "My team" takes a person's area as the boroughs their BCU holds today, matched against the borough stored
 * on each finding, not the BCU stored on it (which goes stale when a borough moves BCU). So the area's open
 * findings are read per borough, in page order, as 0014 read them per BCU: every open finding of a borough
 * (a BCU lead; it carries the team so "the borough except my teams" is counted from the index alone), and
 * those no team owns (a supervisor). Nothing reads findings by BCU any more, so 0014's BCU indexes go.
 */
export const findingBoroughQueuesMigration = sqlMigration(
  '0015-finding-borough-queues',
  `
drop index finding_queue_bcu;
drop index finding_queue_unowned;
create index finding_queue_borough on finding (borough_id, (coalesce(due_at, opened_at)), rule_id, subject_id)
  include (assignee_team_id) where closed_at is null;
create index finding_queue_borough_unowned on finding (borough_id, (coalesce(due_at, opened_at)), rule_id, subject_id)
  where closed_at is null and assignee_team_id is null;
`,
)
