import { sqlMigration } from '../../../platform/db/migrator.ts'

/**
 * The rows dated ahead of their writing, by their time, for the steady sweep's window of clock instants
 * (triage/clock-instants.ts). Almost every row is dated at or before its writing, so these hold almost
 * nothing and cost the import almost nothing.
 */
export const deviceClockInstantsMigration = sqlMigration(
  '0052-device-clock-instants',
  `
create index triage_result_ahead on triage_result (run_at) where run_at > received_at;
create index device_status_event_ahead on device_status_event (at) where at > recorded_at;
`,
)
