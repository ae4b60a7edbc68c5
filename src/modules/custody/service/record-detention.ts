import type { Principal } from '../../../platform/auth/principal.ts'
import type { Executor } from '../../../platform/db/database.ts'
import { ForbiddenError, ValidationError } from '../../../platform/http/errors.ts'
import { detentionKind } from '../access.ts'
import type { EventInput } from '../custody.ts'
import { type CustodyDeps, inTransaction, reachFor, suiteNames } from './dependencies.ts'
import type { DetentionInput, WrittenDetention } from './inputs.ts'
import { type Detention, type DetentionRow, detentionRow, toDetention } from './records.ts'
import { writeDetentions } from './write-detentions.ts'

/** Custody suites the person may record detentions in: those whose detentions they would see. */
export async function suitesFor(
  q: Executor,
  deps: Pick<CustodyDeps, 'organisationOn'>,
  principal: Principal,
) {
  const reach = await reachFor(q, principal)
  const suites = [...(await suiteNames(deps.organisationOn(q))).values()]
  return suites.filter((s) =>
    detentionKind.canSee(reach, { borough_id: s.boroughId, custody_suite_team_id: s.id }),
  )
}

/** Records a new detention with any events known so far. */
export async function recordDetention(
  q: Executor,
  deps: CustodyDeps,
  submission: { detention: DetentionInput; events?: EventInput[] },
  principal: Principal,
): Promise<Detention> {
  const now = deps.clock.now()
  const reach = await reachFor(q, principal)
  return inTransaction(q, async (trx) => {
    const result = await writeDetentions(
      trx,
      [{ detention: submission.detention, events: submission.events ?? [] }],
      principal.id,
      now,
    )
    if ('errors' in result) throw new ValidationError(result.errors.flatMap((e) => e.errors))
    const written = result.written[0] as WrittenDetention
    const row = (await detentionRow(trx, written.id)) as DetentionRow
    // A detention the recorder could not then see is refused, and nothing of it is kept.
    if (!detentionKind.canSee(reach, row))
      throw new ForbiddenError('You can record detentions only in your own custody suite')
    await deps.accessLog.record(
      {
        actorId: principal.id,
        actorName: principal.username,
        action: 'create',
        subjectKind: detentionKind.kind,
        subjectId: written.id,
      },
      trx,
    )
    await deps.afterWrite?.(trx, detentionKind.kind, [written.id])
    return toDetention(row)
  })
}
