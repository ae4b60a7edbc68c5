import { sql } from 'kysely'
import type { Clock } from '../../platform/clock.ts'
import type { Database, Transaction } from '../../platform/db/database.ts'
import type { HistoryEntry, HistoryService } from '../../platform/db/history.ts'
import { recommendationsAt } from './service/read.ts'
import { recommendationWrites } from './service/write.ts'

export interface RecommendationsDeps {
  db: Database
  clock: Clock
  history: HistoryService
  isMeasure(id: string): boolean
  afterWrite(trx: Transaction, kind: string, ids: readonly string[]): Promise<unknown>
}

/** One entry of a recommendation's change history, with what it was a change to. */
export interface TrackerChange extends HistoryEntry {
  record: 'recommendation' | 'action' | 'milestone' | 'evidence'
  recordId: string
}

/** The recommendations tracker: reading it as at an instant, keeping it, and its change history. */
export function recommendationsService(deps: RecommendationsDeps) {
  const { db, clock } = deps
  return {
    /** Every recommendation as it stands now (or at `asOf`), report by report in the report's order. */
    list: (asOf: Date = clock.now()) => recommendationsAt(db, asOf),
    /** One recommendation by id, or undefined. */
    async one(id: string, asOf: Date = clock.now()) {
      return (await recommendationsAt(db, asOf, id))[0]
    },
    /**
     * The change history of a recommendation and everything recorded on it (its actions, their milestones
     * and evidence), oldest first, from the history kernel's change_history.
     */
    async historyOf(id: string): Promise<TrackerChange[]> {
      const actions = await db
        .selectFrom('recommendation_action')
        .select('id')
        .where('recommendation_id', '=', id)
        .execute()
      const actionIds = actions.map((a) => a.id)
      const children = actionIds.length
        ? await db
            .selectFrom('recommendation_milestone')
            .select(['id', sql<string>`'milestone'`.as('record')])
            .where('action_id', 'in', actionIds)
            .unionAll(
              db
                .selectFrom('recommendation_evidence')
                .select(['id', sql<string>`'evidence'`.as('record')])
                .where('action_id', 'in', actionIds),
            )
            .execute()
        : []
      const recordOf = new Map<string, TrackerChange['record']>([
        [id, 'recommendation'],
        ...actionIds.map((a) => [a, 'action'] as const),
        ...children.map((c) => [c.id, c.record as TrackerChange['record']] as const),
      ])
      const rows = await db
        .selectFrom('change_history')
        .select(['record_id', 'version', 'action', 'changed_by', 'changed_at', 'changes'])
        .where('record_id', 'in', [...recordOf.keys()])
        .where('record_table', 'in', [
          'recommendation',
          'recommendation_action',
          'recommendation_milestone',
          'recommendation_evidence',
        ])
        // In the order written (as the kernel's historyFor): the seed's row is dated when the database was made.
        .orderBy('id')
        .execute()
      return rows.map((r) => ({
        record: recordOf.get(r.record_id) ?? 'recommendation',
        recordId: r.record_id,
        version: r.version,
        action: r.action as HistoryEntry['action'],
        changedBy: r.changed_by,
        changedAt: r.changed_at,
        changes: r.changes as HistoryEntry['changes'],
      }))
    },
    ...recommendationWrites(deps),
  }
}

export type RecommendationsService = ReturnType<typeof recommendationsService>
