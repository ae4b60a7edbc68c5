import type { Actor } from '../../../platform/access/access-log.ts'
import type { Reach } from '../../../platform/access/need-to-know.ts'
import type { Executor } from '../../../platform/db/database.ts'
import { ForbiddenError, ValidationError } from '../../../platform/http/errors.ts'
import { rsoKind } from '../access.ts'
import { inTransaction, noSuchRso, type OffendersDeps, type WriteResult } from './dependencies.ts'
import type { RsoInput } from './inputs.ts'
import { keepRecords } from './keep-records.ts'
import { type RsoRow, rsosByKey } from './records.ts'
import { writeRsos } from './write-rsos.ts'

/** The one record a single write made, or its problems as a ValidationError (nothing written). */
function onlyWritten(result: WriteResult) {
  if ('errors' in result) throw new ValidationError(result.errors.flatMap((f) => f.errors))
  return result.written[0] as { ref: string; id: string; created: boolean }
}

/**
 * Registers an RSO (or, with the ref of one, updates their record) for someone who may keep it: an RSO
 * they would place outside their reach is refused and nothing is kept.
 */
export function registerRso(
  q: Executor,
  deps: OffendersDeps,
  input: RsoInput,
  actor: Actor,
  reach: Reach,
  ref?: string,
) {
  return inTransaction(q, async (trx) => {
    if (ref) {
      const held = (await rsosByKey(trx, [ref])).get(ref)
      rsoKind.mustSee(reach, held, noSuchRso)
    }
    const written = onlyWritten(await writeRsos(trx, deps, [{ ref, input }], actor))
    const saved = (await rsosByKey(trx, [written.id])).get(written.id) as RsoRow
    if (!rsoKind.canSee(reach, saved))
      throw new ForbiddenError(
        'You can register RSOs only in your own area, or for yourself or your team to manage',
      )
    await deps.accessLog.logChange(
      actor,
      { action: written.created ? 'create' : 'update', subjectKind: rsoKind.kind, subjectId: written.id },
      trx,
    )
    return saved
  })
}

/**
 * Adds one record about an RSO the keeper may see (an RSO outside their reach is a 404, as if it did not
 * exist, and nothing is written): an assessment, a risk change, a visit, and so on, by the record's spec.
 */
export function keepRecord<I extends { rso: string }>(
  q: Executor,
  deps: OffendersDeps,
  spec: Parameters<typeof keepRecords<I>>[2],
  input: I,
  actor: Actor,
  reach: Reach,
) {
  return inTransaction(q, async (trx) => {
    // An RSO that does not exist is answered as one out of reach is: whether it exists is not told either.
    const rso = (await rsosByKey(trx, [input.rso])).get(input.rso)
    rsoKind.mustSee(reach, rso, noSuchRso)
    const written = onlyWritten(await keepRecords(trx, deps, spec, [{ input }], actor))
    await deps.accessLog.logChange(
      actor,
      {
        action: 'update',
        subjectKind: rsoKind.kind,
        subjectId: rso.id,
        detail: { record: spec.table, ref: written.ref },
      },
      trx,
    )
    return written
  })
}
