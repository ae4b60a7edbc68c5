import {
  householdMembershipImportKind,
  personFlagImportKind,
  personImportKind,
} from './modules/children/import-kinds.ts'
import { custodyDetentionImport } from './modules/custody/import-kinds.ts'
import { investigationImportKinds } from './modules/investigations/import-kinds.ts'
import { unitDutyImport } from './modules/missing/duty-import.ts'
import { missingImportKinds } from './modules/missing/import-kinds.ts'
import { organisationImportKinds } from './modules/organisation/import-kinds.ts'
import { pacImportKind } from './modules/referrals/import-kinds.ts'
import { triageImportKinds } from './modules/triage/import-kinds.ts'
import type { ImportKind } from './platform/import/kinds.ts'

/**
 * Every kind of record Kestrel accepts in JSON Lines, in dependency order: a kind comes after every kind
 * it points at (organisation and staff first, then each module's). The importer writes a batch in this order.
 */
export const importKinds: ImportKind[] = [
  ...organisationImportKinds,
  personImportKind as ImportKind,
  householdMembershipImportKind as ImportKind,
  personFlagImportKind as ImportKind,
  pacImportKind as ImportKind,
  ...missingImportKinds,
  unitDutyImport,
  custodyDetentionImport as ImportKind,
  ...triageImportKinds,
  ...investigationImportKinds,
]
