import { platformMigration } from './db/migrations/0001-platform.ts'
import { accessLogHeadMigration } from './db/migrations/0003-access-log-head.ts'
import { signInThrottleMigration } from './db/migrations/0016-sign-in-throttle.ts'
import type { KestrelMigration } from './db/migrator.ts'
import { importLookupIndexesMigration } from './import/migrations/0011-import-lookup-indexes.ts'

/** The platform's own tables (users, sessions, the access log, history, imports); modules bring theirs. */
export const platformMigrations: KestrelMigration[] = [
  platformMigration,
  accessLogHeadMigration,
  importLookupIndexesMigration,
  signInThrottleMigration,
]
