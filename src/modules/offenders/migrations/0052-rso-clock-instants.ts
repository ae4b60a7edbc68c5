import { sqlMigration } from '../../../platform/db/migrator.ts'

/**
 * The steady sweep reads the RSO records dated in the minute it sweeps (offenders/clock-instants.ts): these
 * indexes find them without reading every visit, assessment and notification the force has kept.
 */
export const rsoClockInstantsMigration = sqlMigration(
  '0052-rso-clock-instants',
  `
create index rso_notification_start on rso (notification_start);
create index rso_arms_assessed on rso_arms (assessed_on);
create index rso_visit_at on rso_visit (visited_at);
create index rso_notification_at on rso_notification (notified_at);
`,
)
