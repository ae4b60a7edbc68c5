import type { Principal } from '../../../platform/auth/principal.ts'
import type { Executor } from '../../../platform/db/database.ts'
import { ForbiddenError, ValidationError } from '../../../platform/http/errors.ts'
import { mayDo, maySuperviseClosing, onlineCaseKind, onlineReach } from '../access.ts'
import { inTransaction, noSuchCase, type OnlineDeps, type WriteResult } from './dependencies.ts'
import type { CaseInput, ChildInput, KiratInput, SafeguardingInput, StageChangeInput } from './inputs.ts'
import { type CaseRow, casesByKey, householdAt, kiratLevelsAt, stagesOf } from './records.ts'
import { writeCases } from './write-cases.ts'
import { writeChildren, writeKirats, writeSafeguarding } from './write-household.ts'
import { resolveStages, storeStages } from './write-stages.ts'

/** The one record a single write made, or its problems as a ValidationError (nothing written). */
function onlyWritten(result: WriteResult) {
  if ('errors' in result) throw new ValidationError(result.errors.flatMap((f) => f.errors))
  return result.written[0] as { ref: string; id: string; created: boolean }
}

/** Records a new case as received. */
export function recordCase(q: Executor, deps: OnlineDeps, input: CaseInput, principal: Principal) {
  return inTransaction(q, async (trx) => {
    const written = onlyWritten(await writeCases(trx, deps, [{ input, stages: [] }], principal))
    const saved = (await casesByKey(trx, [written.id])).get(written.id) as CaseRow
    if (!onlineCaseKind.canSee(await onlineReach(trx, principal), saved))
      throw new ForbiddenError('You can record online cases only in your own area')
    await deps.accessLog.logChange(
      principal,
      { action: 'create', subjectKind: onlineCaseKind.kind, subjectId: saved.id },
      trx,
    )
    return saved
  })
}

/** The case the writer may see, locked for the change; one out of reach is answered as one that does not exist. */
async function caseInReach(trx: Executor, key: string, principal: Principal) {
  const found = (await casesByKey(trx, [key], true)).get(key)
  onlineCaseKind.mustSee(await onlineReach(trx, principal), found, noSuchCase)
  return found
}

/**
 * Moves a case on a stage: dated, in order, recorded with who and when. An allocation needs the allocate
 * role and a reason when it goes against the KIRAT policy; closing a case with children needs a welfare
 * visit or social care referral recorded, or a supervisor's reason.
 */
export function changeStage(q: Executor, deps: OnlineDeps, input: StageChangeInput, principal: Principal) {
  return inTransaction(q, async (trx) => {
    const found = await caseInReach(trx, input.case, principal)
    if (input.stage === 'allocated' && !mayDo('allocate', principal.roles))
      throw new ForbiddenError('Only the specialist online team and supervisors allocate cases')
    const now = deps.clock.now()
    const held = (await stagesOf(trx, [found.id])).get(found.id) ?? []
    const { case: _case, ...change } = input
    const { errors, resolved } = await resolveStages(
      trx,
      [change],
      {
        held,
        kirat: (await kiratLevelsAt(trx, [found.id], now)).get(found.id) ?? null,
        household: await householdAt(trx, found.id, input.at),
        mayOverrideClosing: maySuperviseClosing(principal.roles),
      },
      now,
      () => '',
    )
    if (errors.length) throw new ValidationError(errors)
    await storeStages(trx, found.id, resolved, principal, now)
    await deps.afterWrite?.(trx, onlineCaseKind.kind, [found.id])
    await deps.accessLog.logChange(
      principal,
      {
        action: 'update',
        subjectKind: onlineCaseKind.kind,
        subjectId: found.id,
        detail: { stage: input.stage },
        reason: input.reason ?? null,
      },
      trx,
    )
    return (await casesByKey(trx, [found.id])).get(found.id) as CaseRow
  })
}

/** Adds one record about a case the keeper may see: a KIRAT assessment, a child identified, a safeguarding step. */
function keep<I extends { case: string }>(
  write: (
    trx: Parameters<typeof writeKirats>[0],
    deps: OnlineDeps,
    s: { input: I }[],
    actor: Principal,
  ) => Promise<WriteResult>,
  record: string,
) {
  return (q: Executor, deps: OnlineDeps, input: I, principal: Principal) =>
    inTransaction(q, async (trx) => {
      const found = await caseInReach(trx, input.case, principal)
      const written = onlyWritten(await write(trx, deps, [{ input }], principal))
      await deps.accessLog.logChange(
        principal,
        {
          action: 'update',
          subjectKind: onlineCaseKind.kind,
          subjectId: found.id,
          detail: { record, ref: written.ref },
        },
        trx,
      )
      return written
    })
}

export const recordKirat = keep<KiratInput>(writeKirats, 'online_kirat')
export const identifyChild = keep<ChildInput>(writeChildren, 'online_case_child')
export const recordSafeguarding = keep<SafeguardingInput>(writeSafeguarding, 'online_case_safeguarding')
