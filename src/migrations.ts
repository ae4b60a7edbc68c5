import { childrenMigration } from './modules/children/migrations/0005-children.ts'
import { custodyMigration } from './modules/custody/migrations/0007-custody.ts'
import { investigationsMigration } from './modules/investigations/migrations/0009-investigations.ts'
import { missingMigration } from './modules/missing/migrations/0008-missing.ts'
import { missingUnitDutyRefMigration } from './modules/missing/migrations/0012-missing-unit-duty-ref.ts'
import { organisationMigration } from './modules/organisation/migrations/0002-organisation.ts'
import { referralsMigration } from './modules/referrals/migrations/0006-referrals.ts'
import { triageMigration } from './modules/triage/migrations/0010-triage.ts'
import { platformMigration } from './platform/db/migrations/0001-platform.ts'
import { accessLogHeadMigration } from './platform/db/migrations/0003-access-log-head.ts'
import type { KestrelMigration } from './platform/db/migrator.ts'
import { importLookupIndexesMigration } from './platform/import/migrations/0011-import-lookup-indexes.ts'
import { standardsMigration } from './standards/migrations/0004-standards.ts'
import { workingDaysMigration } from './standards/migrations/0013-working-days.ts'
import { findingQueuesMigration } from './standards/migrations/0014-finding-queues.ts'
import { findingBoroughQueuesMigration } from './standards/migrations/0015-finding-borough-queues.ts'

/**
 * Every migration, in the order it runs. Each module owns its migration files; this is the one place
 * that puts them in sequence. Names sort in the order listed.
 */
export const migrations: KestrelMigration[] = [
  platformMigration,
  organisationMigration,
  accessLogHeadMigration,
  standardsMigration,
  childrenMigration,
  referralsMigration,
  custodyMigration,
  missingMigration,
  investigationsMigration,
  triageMigration,
  importLookupIndexesMigration,
  missingUnitDutyRefMigration,
  workingDaysMigration,
  findingQueuesMigration,
  findingBoroughQueuesMigration,
]
