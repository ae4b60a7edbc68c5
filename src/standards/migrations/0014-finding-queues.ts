import { sqlMigration } from '../../platform/db/migrator.ts'

/**
 * Open findings in the order the pages show them (soonest due first; a finding breached on sight by when
 * it opened), one index for each way a list is scoped: a person (My work), a team, a whole BCU (a BCU
 * lead), the findings in a BCU that no team owns (a supervisor sees those beside their team's), and the
 * force. A page reads its 100 rows from the front of an index instead of sorting every open finding in
 * scope: at scale 10 a BCU holds about 100,000. The BCU index carries the team so a count of "the BCU
 * except these teams" reads the index alone. These replace the (owner, due_at) indexes of 0004.
 */
export const findingQueuesMigration = sqlMigration(
  '0014-finding-queues',
  `
drop index finding_open_staff;
drop index finding_open_team;
drop index finding_open_bcu;
create index finding_queue_staff on finding (assignee_staff_id, (coalesce(due_at, opened_at)), rule_id, subject_id)
  where closed_at is null;
create index finding_queue_team on finding (assignee_team_id, (coalesce(due_at, opened_at)), rule_id, subject_id)
  where closed_at is null;
create index finding_queue_bcu on finding (bcu_id, (coalesce(due_at, opened_at)), rule_id, subject_id)
  include (assignee_team_id) where closed_at is null;
create index finding_queue_unowned on finding (bcu_id, (coalesce(due_at, opened_at)), rule_id, subject_id)
  where closed_at is null and assignee_team_id is null;
create index finding_queue_force on finding ((coalesce(due_at, opened_at)), rule_id, subject_id)
  where closed_at is null;
`,
)
