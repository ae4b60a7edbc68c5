import type { Reach } from '../../../platform/access/need-to-know.ts'
import type { Executor } from '../../../platform/db/database.ts'
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../../platform/http/errors.ts'
import { pacKind } from '../access.ts'
import { type ConcernCategory, validatePacInput } from '../pac.ts'
import { evaluate, inTransaction, noSuchPac, type PacActor, type ReferralsDeps } from './dependencies.ts'
import { type Pac, pacRow, raisedBy, toPac } from './records.ts'

/** What an officer may amend when sending a returned PAC back. */
export interface Resubmission {
  riskAssessment?: string
  voiceOfChild?: string
  concerns?: ConcernCategory[]
}

const amendable = ['concerns', 'riskAssessment', 'voiceOfChild']

/**
 * The officer sends a returned PAC back to the supervisor, amended: the old review stays in the history
 * (and its note on the record, so the next reviewer sees what was asked). The supervisor's clock (REF-02)
 * starts again from the resubmission: `submitted_at` becomes now and the review is cleared, so the PAC is
 * back in the review queue. With `access`, only a reader whose reach holds it may see it (404 otherwise) and
 * only the officer who raised it may resubmit unless `onBehalf` (a supervisor); a stale version is a 409.
 */
export async function resubmitPac(
  q: Executor,
  deps: Pick<ReferralsDeps, 'clock' | 'history' | 'accessLog' | 'afterWrite'>,
  id: string,
  version: number,
  changes: Resubmission,
  actor: PacActor,
  access?: { reach: Reach; onBehalf: boolean },
): Promise<Pac> {
  const now = deps.clock.now()
  return inTransaction(q, async (trx) => {
    const current = await pacRow(trx, id)
    if (!current) throw new NotFoundError(noSuchPac)
    const pac = toPac(current)
    if (access) {
      pacKind.mustSee(access.reach, pac, noSuchPac)
      if (!access.onBehalf && !raisedBy(pac, actor)) {
        throw new ForbiddenError('Only the officer who raised this PAC or a supervisor may resubmit it')
      }
    }
    if (current.version !== version) throw new ConflictError()
    if (current.review_decision !== 'returned') {
      throw new ValidationError([
        { field: 'reviewDecision', reason: 'Only a PAC returned for more work can be resubmitted' },
      ])
    }
    const amended = {
      concerns: changes.concerns ?? pac.concerns,
      riskAssessment: changes.riskAssessment?.trim() ?? pac.riskAssessment,
      voiceOfChild: changes.voiceOfChild?.trim() ?? pac.voiceOfChild,
    }
    const errors = validatePacInput(
      {
        personId: pac.personId,
        aboutKind: pac.aboutKind,
        aboutRef: pac.aboutRef,
        aboutSummary: pac.aboutSummary,
        riskLevel: pac.riskLevel,
        childSpokenTo: pac.childSpokenTo,
        policeFirstKnewAt: pac.policeFirstKnewAt,
        boroughId: pac.boroughId,
        ...amended,
      },
      pac.createdAt,
    ).filter((e) => amendable.includes(e.field))
    if (errors.length) throw new ValidationError(errors)
    const patch: Record<string, unknown> = {
      submitted_at: now,
      reviewed_at: null,
      review_decision: null,
      reviewed_by_name: null,
      reviewed_by_staff_id: null,
      concerns: amended.concerns,
      risk_assessment: amended.riskAssessment,
      voice_of_child: amended.voiceOfChild,
      updated_at: now,
    }
    const written = await deps.history.updateRecord(trx, 'pac', id, version, patch, actor)
    await deps.accessLog.record(
      {
        actorId: actor.id,
        actorName: actor.username,
        action: 'update',
        subjectKind: pacKind.kind,
        subjectId: id,
        detail: { resubmitted: true },
      },
      trx,
    )
    await evaluate(deps, trx, [id])
    return toPac(written)
  })
}
