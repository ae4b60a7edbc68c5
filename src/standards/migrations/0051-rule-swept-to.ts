import { sqlMigration } from '../../platform/db/migrator.ts'

/**
 * How far the steady sweep has taken each rule by the clock. A rule whose obligations are also born or ended
 * by the clock at instants the data records (`clockInstants`: a notification that starts on a date, a
 * follow-up owed from another obligation's due time) is swept by reading the records whose instants fall
 * between this and the sweep's own instant, so it must know where the last sweep stopped.
 */
export const ruleSweptToMigration = sqlMigration(
  '0051-rule-swept-to',
  `
create table rule_swept_to (
  rule_id text primary key,
  swept_to timestamptz not null
);
`,
)
