import { reachOf } from '../../platform/access/need-to-know.ts'
import type { Principal } from '../../platform/auth/principal.ts'
import type { Clock } from '../../platform/clock.ts'
import type { Database } from '../../platform/db/database.ts'
import { type FigureFilter, figureOf } from './service/figure.ts'

export interface AuditsDeps {
  db: Database
  clock: Clock
}

/** Case file audits: recording and grading them, and Figure 1 for any set. */
export function auditsService(deps: AuditsDeps) {
  const { db } = deps
  return {
    /** Figure 1 over the audits the reader may see: counts, not records, so nothing is logged as read. */
    figure: (principal: Principal, filter: FigureFilter) => figureOf(db, reachOf(principal), filter),
  }
}

export type Audits = ReturnType<typeof auditsService>
