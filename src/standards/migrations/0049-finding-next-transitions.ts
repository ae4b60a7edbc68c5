import { sqlMigration } from '../../platform/db/migrator.ts'

/**
 * The steady sweep's index of time-driven transitions: each open finding not yet breached, by rule, at the
 * instant the clock alone breaches it (its due time). A rule whose findings change by time only at their due
 * times (`steadyByDueTimes`) is swept by reading the rows of this index up to the sweep's instant, not by
 * deriving all of its obligations again.
 */
export const findingNextTransitionsMigration = sqlMigration(
  '0049-finding-next-transitions',
  `
create index finding_next_transition on finding (rule_id, due_at, subject_id)
  where closed_at is null and breached_at is null and due_at is not null;
`,
)
