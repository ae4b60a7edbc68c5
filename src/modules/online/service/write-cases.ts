import type { Actor } from '../../../platform/access/access-log.ts'
import type { Transaction } from '../../../platform/db/database.ts'
import { recordMany } from '../../../platform/db/history.ts'
import type { FieldError } from '../../../platform/http/errors.ts'
import { londonDate } from '../../../platform/time.ts'
import { peopleByKey } from '../../children/service/find-people.ts'
import { boroughsByKey } from '../../organisation/service/keys.ts'
import { onlineCaseKind } from '../access.ts'
import type { WriteResult, WriterDeps } from './dependencies.ts'
import type { CaseInput, StageInput } from './inputs.ts'
import { type CaseRow, casesByKey } from './records.ts'
import { resolveStages, storeStages } from './write-stages.ts'

/** A case's own facts that are wrong whatever else is held: dates in the future or out of order, a missing NCA reference. */
export function caseErrors(input: CaseInput, now: Date): FieldError[] {
  const errors: FieldError[] = []
  if (input.source === 'nca_referral' && !input.ncaReference)
    errors.push({ field: 'ncaReference', reason: 'enter the NCA’s reference for a CEOP/NCA referral' })
  if (input.receivedAt > now) errors.push({ field: 'receivedAt', reason: 'must not be in the future' })
  if (input.materialUploadedAt && input.materialUploadedAt > input.receivedAt)
    errors.push({ field: 'materialUploadedAt', reason: 'must not be after the case was received' })
  input.identifiers.forEach((identifier, i) => {
    if (identifier.seenAt && identifier.seenAt > now)
      errors.push({ field: `identifiers.${i}.seenAt`, reason: 'must not be in the future' })
  })
  return errors
}

const noChildren = { children: 0, protected: true }

/**
 * Records online cases, or replaces them by ref, set-wise: the import's writer and the new-case page's. A case
 * is received at its `receivedAt` (its first stage); the stage changes given follow it, in order. Importing a
 * ref again replaces the case's facts, identifiers and timeline, so a batch can be run again. The suspect must
 * be in the person index, the borough must exist. Any problem: nothing written.
 */
export async function writeCases(
  trx: Transaction,
  deps: WriterDeps,
  submissions: readonly { ref?: string | undefined; input: CaseInput; stages: readonly StageInput[] }[],
  actor: Actor,
): Promise<WriteResult> {
  const now = deps.clock.now()
  const inputs = submissions.map((s) => s.input)
  const [people, boroughs, existing] = await Promise.all([
    peopleByKey(
      trx,
      inputs.flatMap((i) => (i.suspect ? [i.suspect] : [])),
    ),
    boroughsByKey(
      trx,
      inputs.flatMap((i) => (i.borough ? [i.borough] : [])),
      londonDate(now),
    ),
    casesByKey(
      trx,
      submissions.flatMap((s) => (s.ref ? [s.ref] : [])),
      true,
    ),
  ])
  const failures: { index: number; errors: FieldError[] }[] = []
  for (const [index, { input, stages }] of submissions.entries()) {
    const errors = caseErrors(input, now)
    if (input.suspect && !people.get(input.suspect))
      errors.push({ field: 'suspect', reason: `There is no person with the reference ${input.suspect}` })
    if (input.borough && !boroughs.get(input.borough))
      errors.push({ field: 'borough', reason: `There is no borough called ${input.borough}` })
    const checked = await resolveStages(
      trx,
      stages,
      // A timeline given with the case is its history as the sending system recorded it: the reasons an
      // allocation or a closing needs when made in Kestrel are not asked again; ONL-01 and ONL-04 judge them.
      {
        held: [{ stage: 'received', at: input.receivedAt }],
        kirat: null,
        household: noChildren,
        mayOverrideClosing: true,
      },
      now,
      (i) => `stages.${i}.`,
    )
    errors.push(...checked.errors)
    if (errors.length) failures.push({ index, errors })
  }
  if (failures.length) return { errors: failures }

  const written: { ref: string; id: string; created: boolean }[] = []
  for (const { ref, input, stages } of submissions) {
    const suspect = input.suspect ? people.get(input.suspect) : undefined
    const borough = input.borough ? boroughs.get(input.borough) : undefined
    const held = ref ? existing.get(ref) : undefined
    const values = {
      source: input.source,
      nca_reference: input.ncaReference || null,
      received_at: input.receivedAt,
      material_category: input.materialCategory,
      material_description: input.materialDescription,
      material_location: input.materialLocation || null,
      material_uploaded_at: input.materialUploadedAt ?? null,
      suspect_person_id: suspect?.id ?? null,
      borough_id: borough?.id ?? null,
      bcu_id: borough?.bcuId ?? null,
      updated_at: now,
    }
    let id: string
    if (held) {
      id = held.id
      await trx.deleteFrom('online_case_stage').where('case_id', '=', id).execute()
      await trx.deleteFrom('online_case_identifier').where('case_id', '=', id).execute()
      await trx
        .updateTable('online_case')
        .set({
          ...values,
          stage: 'received',
          stage_at: input.receivedAt,
          closed_at: null,
          closing_reason: null,
        })
        .where('id', '=', id)
        .execute()
    } else {
      const row = await trx
        .insertInto('online_case')
        .values({
          ...values,
          ...(ref ? { ref: ref.toUpperCase() } : {}),
          stage: 'received',
          stage_at: input.receivedAt,
          created_at: now,
          created_by: actor.username,
        })
        .returning(['id'])
        .executeTakeFirstOrThrow()
      id = row.id
    }
    if (input.identifiers.length)
      await trx
        .insertInto('online_case_identifier')
        .values(
          input.identifiers.map((i) => ({
            case_id: id,
            kind: i.kind,
            value: i.value,
            seen_at: i.seenAt ?? null,
          })),
        )
        .execute()
    // Checked above; resolved again on this transaction for the teams' and officers' ids.
    const { resolved } = await resolveStages(
      trx,
      stages,
      {
        held: [{ stage: 'received', at: input.receivedAt }],
        kirat: null,
        household: noChildren,
        mayOverrideClosing: true,
      },
      now,
      () => '',
    )
    await storeStages(
      trx,
      id,
      [
        {
          stage: 'received',
          at: input.receivedAt,
          returnedAt: null,
          teamId: null,
          staffId: null,
          teamKind: null,
          outcomeCode: null,
          reason: null,
        },
        ...resolved,
      ],
      actor,
      now,
    )
    const saved = (await casesByKey(trx, [id])).get(id) as CaseRow
    written.push({ ref: saved.ref, id, created: !held })
    await recordMany(trx, [
      {
        table: 'online_case',
        id,
        version: saved.version,
        action: held ? 'update' : 'create',
        changedBy: actor.id,
        changedAt: now,
        changes: {
          ref: [held?.ref ?? null, saved.ref],
          stage: [held?.stage ?? null, saved.stage],
          stages: stages.length + 1,
        },
      },
    ])
  }
  await deps.afterWrite?.(
    trx,
    onlineCaseKind.kind,
    written.map((w) => w.id),
  )
  return { written }
}
