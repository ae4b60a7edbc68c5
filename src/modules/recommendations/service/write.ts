import type { Clock } from '../../../platform/clock.ts'
import { type Executor, inTransaction, type Transaction } from '../../../platform/db/database.ts'
import type { ChangeAuthor, HistoryService } from '../../../platform/db/history.ts'
import { type FieldError, NotFoundError, ValidationError } from '../../../platform/http/errors.ts'
import { isUuid } from '../../../platform/ids.ts'
import { londonDate } from '../../../platform/time.ts'
import { formatLongDate } from '../dates.ts'
import { type EvidenceKind, recommendationKind } from '../recommendations.ts'

/*
 * Keeping the tracker: an action on a recommendation, a milestone of an action, evidence for it, and marking
 * an action complete. Each use case checks everything before it writes anything (a refusal names its
 * fields, in the form's order, and writes nothing), writes through the history kernel in one transaction,
 * and has REC-01 evaluated for the recommendation in that transaction.
 */

export interface WriteDeps {
  db: Executor
  clock: Clock
  history: Pick<HistoryService, 'insertRecord' | 'updateRecord'>
  /** Whether a measure id is in the dashboard's registry: evidence may point only at a real one. */
  isMeasure(id: string): boolean
  afterWrite(trx: Transaction, kind: string, ids: readonly string[]): Promise<unknown>
}

export const noSuchRecommendation = 'There is no such recommendation'
export const noSuchAction = 'There is no such action on this recommendation'

export interface ActionInput {
  title: string
  ownerStaffId: string
}
export interface MilestoneInput {
  title: string
  dueOn: string
}
export interface EvidenceInput {
  kind: EvidenceKind
  reference: string
  milestoneId: string | null
  description: string | null
  evidenceOn: string
}
export interface CompleteInput {
  completedOn: string
  version: number
}

async function recommendationOf(q: Executor, id: string) {
  const found = isUuid(id)
    ? await q
        .selectFrom('recommendation')
        .select(['id', 'ref', 'made_on'])
        .where('id', '=', id)
        .executeTakeFirst()
    : undefined
  if (!found) throw new NotFoundError(noSuchRecommendation)
  return found
}

async function actionOf(q: Executor, recommendationId: string, actionId: string) {
  const found = isUuid(actionId)
    ? await q
        .selectFrom('recommendation_action')
        .selectAll()
        .where('id', '=', actionId)
        .where('recommendation_id', '=', recommendationId)
        .executeTakeFirst()
    : undefined
  if (!found) throw new NotFoundError(noSuchAction)
  return found
}

const refuse = (errors: FieldError[]) => {
  if (errors.length) throw new ValidationError(errors)
}

/** A day the tracker records as done: not before the recommendation was made, and not after today. */
function dayDone(field: string, day: string, madeOn: string, today: string, what: string): FieldError[] {
  if (day < madeOn)
    return [
      {
        field,
        reason: `${what} must be on or after ${formatLongDate(madeOn)}, when the recommendation was made`,
      },
    ]
  if (day > today) return [{ field, reason: `${what} must be today or in the past` }]
  return []
}

export function recommendationWrites(deps: WriteDeps) {
  const { clock, history } = deps
  const today = () => londonDate(clock.now())

  /** Runs a write and REC-01 on its recommendation, in one transaction. */
  const write = <T>(recommendationId: string, work: (trx: Transaction) => Promise<T>) =>
    inTransaction(deps.db, async (trx) => {
      const result = await work(trx)
      await deps.afterWrite(trx, recommendationKind, [recommendationId])
      return result
    })

  return {
    async addAction(recommendationId: string, input: ActionInput, author: ChangeAuthor) {
      const rec = await recommendationOf(deps.db, recommendationId)
      return write(rec.id, async (trx) => {
        const owner = isUuid(input.ownerStaffId)
          ? await trx
              .selectFrom('staff')
              .select('id')
              .where('id', '=', input.ownerStaffId)
              .where('active', '=', true)
              .executeTakeFirst()
          : undefined
        refuse(
          owner ? [] : [{ field: 'ownerStaffId', reason: 'Select the member of staff who owns the action' }],
        )
        return history.insertRecord(
          trx,
          'recommendation_action',
          {
            recommendation_id: rec.id,
            title: input.title,
            owner_staff_id: input.ownerStaffId,
            created_at: clock.now(),
          },
          author,
        )
      })
    },

    async addMilestone(
      recommendationId: string,
      actionId: string,
      input: MilestoneInput,
      author: ChangeAuthor,
    ) {
      const rec = await recommendationOf(deps.db, recommendationId)
      const action = await actionOf(deps.db, rec.id, actionId)
      // Issue 22, "Bad input": a milestone dated before its recommendation is refused, naming the field.
      refuse(
        input.dueOn < rec.made_on
          ? [
              {
                field: 'dueOn',
                reason: `The milestone’s date must be on or after ${formatLongDate(rec.made_on)}, when ${rec.ref} was made`,
              },
            ]
          : [],
      )
      return write(rec.id, (trx) =>
        history.insertRecord(
          trx,
          'recommendation_milestone',
          { action_id: action.id, title: input.title, due_on: input.dueOn, created_at: clock.now() },
          author,
        ),
      )
    },

    async addEvidence(
      recommendationId: string,
      actionId: string,
      input: EvidenceInput,
      author: ChangeAuthor,
    ) {
      const rec = await recommendationOf(deps.db, recommendationId)
      const action = await actionOf(deps.db, rec.id, actionId)
      const errors: FieldError[] = []
      if (input.kind === 'measure' && !deps.isMeasure(input.reference))
        errors.push({
          field: 'reference',
          reason: 'Enter the id of a measure on the dashboard, like standards.findings-breached',
        })
      if (input.milestoneId) {
        const milestone = isUuid(input.milestoneId)
          ? await deps.db
              .selectFrom('recommendation_milestone')
              .select('id')
              .where('id', '=', input.milestoneId)
              .where('action_id', '=', action.id)
              .executeTakeFirst()
          : undefined
        if (!milestone)
          errors.push({ field: 'milestoneId', reason: 'Select one of this action’s milestones' })
      }
      errors.push(
        ...dayDone('evidenceOn', input.evidenceOn, rec.made_on, today(), 'The date of the evidence'),
      )
      refuse(errors)
      return write(rec.id, (trx) =>
        history.insertRecord(
          trx,
          'recommendation_evidence',
          {
            action_id: action.id,
            milestone_id: input.milestoneId || null,
            kind: input.kind,
            reference: input.reference,
            description: input.description,
            evidence_on: input.evidenceOn,
            created_at: clock.now(),
          },
          author,
        ),
      )
    },

    /** Marks an action complete on a day; it needs evidence dated by then, since REC-01 asks for it. */
    async completeAction(
      recommendationId: string,
      actionId: string,
      input: CompleteInput,
      author: ChangeAuthor,
    ) {
      const rec = await recommendationOf(deps.db, recommendationId)
      const action = await actionOf(deps.db, rec.id, actionId)
      const errors = dayDone(
        'completedOn',
        input.completedOn,
        rec.made_on,
        today(),
        'The date it was completed',
      )
      if (!errors.length) {
        const evidence = await deps.db
          .selectFrom('recommendation_evidence')
          .select('id')
          .where('action_id', '=', action.id)
          .where('evidence_on', '<=', input.completedOn)
          .executeTakeFirst()
        if (!evidence)
          errors.push({
            field: 'completedOn',
            reason:
              'Add evidence of completion dated on or before the day it was completed, then mark it complete',
          })
      }
      refuse(errors)
      return write(rec.id, (trx) =>
        history.updateRecord(
          trx,
          'recommendation_action',
          action.id,
          input.version,
          { status: 'complete', completed_on: input.completedOn },
          author,
        ),
      )
    },
  }
}
