import type { Reach } from '../../../platform/access/need-to-know.ts'
import type { Executor } from '../../../platform/db/database.ts'
import { NotFoundError, ValidationError } from '../../../platform/http/errors.ts'
import { pacKind } from '../access.ts'
import { type ReviewDecision, validatePacProgress } from '../pac.ts'
import { evaluate, inTransaction, noSuchPac, type PacActor, type ReferralsDeps } from './dependencies.ts'
import { type Pac, type PacChange, pacRow, progressColumns, progressOf, toPac } from './records.ts'

type WriteDeps = Pick<ReferralsDeps, 'clock' | 'history' | 'accessLog' | 'afterWrite'>

/**
 * Writes a change to the review, MASH, outcome or follow-up fields after `check` has passed on the PAC as
 * read inside the transaction; a stale version is a 409.
 */
export async function writeProgress(
  q: Executor,
  deps: WriteDeps,
  id: string,
  version: number,
  change: PacChange,
  actor: PacActor,
  check: (p: Pac) => void,
): Promise<Pac> {
  const now = deps.clock.now()
  return inTransaction(q, async (trx) => {
    const current = await pacRow(trx, id)
    if (!current) throw new NotFoundError(noSuchPac)
    const pac = toPac(current)
    check(pac)
    const merged = { ...progressOf(pac), ...change }
    const errors = validatePacProgress(pac, merged, now)
    if (errors.length) throw new ValidationError(errors)
    const patch: Record<string, unknown> = { updated_at: now }
    for (const [key, value] of Object.entries(change)) {
      const column = progressColumns[key as keyof PacChange]
      if (column && value !== undefined)
        patch[column] = typeof value === 'string' ? value.trim() || null : value
    }
    const written = await deps.history.updateRecord(trx, 'pac', id, version, patch, actor)
    await deps.accessLog.record(
      {
        actorId: actor.id,
        actorName: actor.username,
        action: 'update',
        subjectKind: pacKind.kind,
        subjectId: id,
      },
      trx,
    )
    await evaluate(deps, trx, [id])
    return toPac(written)
  })
}

/**
 * Change review, MASH, outcome or follow-up fields of a PAC within the reader's reach (404 otherwise,
 * checked inside the writing transaction); a stale version is a 409. The caller checks the role.
 */
export function updatePac(
  q: Executor,
  deps: WriteDeps,
  id: string,
  version: number,
  change: PacChange,
  actor: PacActor,
  reach: Reach,
) {
  return writeProgress(q, deps, id, version, change, actor, (pac) => pacKind.mustSee(reach, pac, noSuchPac))
}

/** The supervisor's decision on a PAC submitted (or resubmitted) and not yet reviewed since. */
export function reviewPac(
  q: Executor,
  deps: WriteDeps,
  id: string,
  version: number,
  decision: { decision: ReviewDecision; note: string },
  actor: PacActor,
  reach: Reach,
) {
  return writeProgress(
    q,
    deps,
    id,
    version,
    {
      reviewedAt: deps.clock.now(),
      reviewDecision: decision.decision,
      reviewNote: decision.note.trim() || null,
      reviewedByName: actor.displayName,
      reviewedByStaffId: actor.staffId,
    },
    actor,
    (pac) => {
      pacKind.mustSee(reach, pac, noSuchPac)
      if (pac.reviewedAt && pac.reviewedAt >= pac.submittedAt) {
        throw new ValidationError([{ field: 'reviewDecision', reason: 'This PAC has already been reviewed' }])
      }
    },
  )
}
