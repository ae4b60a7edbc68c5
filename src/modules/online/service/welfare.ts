import { z } from 'zod'
import type { Actor } from '../../../platform/access/access-log.ts'
import type { Transaction } from '../../../platform/db/database.ts'
import { recordMany } from '../../../platform/db/history.ts'
import type { FieldError } from '../../../platform/http/errors.ts'
import { isIsoDate, londonDate } from '../../../platform/time.ts'
import { staffByKey } from '../../organisation/service/keys.ts'
import { iiocViewerKind } from '../access.ts'
import type { WriteResult, WriterDeps } from './dependencies.ts'

/*
 * The welfare of staff who view or grade indecent images (item 7, ONL-08): who views them and from when (by
 * their role, or because they grade), their psychological screenings, and the images each grades a month.
 * Grading in a month makes the grader a viewer from that month, if they were not one already.
 */

const day = z.string().refine(isIsoDate, 'must be a date like 2018-08-01')
const staffNumber = z
  .string()
  .trim()
  .min(1, 'enter a value')
  .max(50)
  .describe('The member of staff’s staff number')

export const screeningInput = z
  .object({
    staff: staffNumber,
    screenedOn: day,
    viewsSince: day
      .optional()
      .describe('When they began to view or grade indecent images, if not recorded yet'),
  })
  .strict()
export type ScreeningInput = z.output<typeof screeningInput>

export const gradingInput = z
  .object({
    staff: staffNumber,
    month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month like 2018-08'),
    images: z.number().int('must be a whole number').min(0, 'must be 0 or more').max(10_000_000),
  })
  .strict()
export type GradingInput = z.output<typeof gradingInput>

export const viewerInput = z
  .object({
    staff: staffNumber,
    basis: z.enum(['role', 'grading'], { message: 'must be one of role, grading' }),
    fromDate: day,
    toDate: day.optional(),
  })
  .strict()
export type ViewerInput = z.output<typeof viewerInput>

type Submission<I> = { ref?: string | undefined; input: I }

/** Records a person as viewing indecent images from a day, unless a period covering that day is held. */
async function ensureViewer(
  trx: Transaction,
  staffId: string,
  basis: 'role' | 'grading',
  from: string,
  actor: Actor,
) {
  const held = await trx
    .selectFrom('iioc_viewer')
    .select('id')
    .where('staff_id', '=', staffId)
    .where('from_date', '<=', from)
    .where((eb) => eb.or([eb('to_date', 'is', null), eb('to_date', '>=', from)]))
    .executeTakeFirst()
  if (held) return
  await trx
    .insertInto('iioc_viewer')
    .values({ staff_id: staffId, basis, from_date: from, recorded_by: actor.username })
    .onConflict((oc) => oc.columns(['staff_id', 'from_date']).doNothing())
    .execute()
}

/** Checks the staff each line names and that nothing is dated after today. */
async function checked<I extends { staff: string }>(
  trx: Transaction,
  deps: WriterDeps,
  submissions: readonly Submission<I>[],
  dates: (input: I) => [string, string | undefined][],
) {
  const today = londonDate(deps.clock.now())
  const staff = await staffByKey(
    trx,
    submissions.map((s) => s.input.staff),
  )
  const failures = submissions.flatMap(({ input }, index) => {
    const errors: FieldError[] = []
    if (!staff.get(input.staff))
      errors.push({ field: 'staff', reason: `There is no member of staff ${input.staff}` })
    for (const [field, value] of dates(input))
      if (value && value > today) errors.push({ field, reason: 'must not be in the future' })
    return errors.length ? [{ index, errors }] : []
  })
  return { staff, failures }
}

export async function writeScreenings(
  trx: Transaction,
  deps: WriterDeps,
  submissions: readonly Submission<ScreeningInput>[],
  actor: Actor,
): Promise<WriteResult> {
  const { staff, failures } = await checked(trx, deps, submissions, (i) => [
    ['screenedOn', i.screenedOn],
    ['viewsSince', i.viewsSince],
  ])
  if (failures.length) return { errors: failures }
  const written: { ref: string; id: string; created: boolean }[] = []
  const left: string[] = []
  for (const { ref, input } of submissions) {
    const staffId = (staff.get(input.staff) as { id: string }).id
    if (input.viewsSince) await ensureViewer(trx, staffId, 'role', input.viewsSince, actor)
    const held = ref
      ? await trx
          .selectFrom('welfare_screening')
          .select(['id', 'staff_id'])
          .where('ref', '=', ref.toUpperCase())
          .executeTakeFirst()
      : undefined
    const values = { staff_id: staffId, screened_on: input.screenedOn, recorded_by: actor.username }
    const row = held
      ? await trx
          .updateTable('welfare_screening')
          .set((eb) => ({ ...values, version: eb('version', '+', 1) }))
          .where('id', '=', held.id)
          .returning(['id', 'ref', 'version'])
          .executeTakeFirstOrThrow()
      : await trx
          .insertInto('welfare_screening')
          .values({ ...values, ...(ref ? { ref: ref.toUpperCase() } : {}) })
          .returning(['id', 'ref', 'version'])
          .executeTakeFirstOrThrow()
    written.push({ ref: row.ref, id: row.id, created: !held })
    if (held) left.push(held.staff_id)
    await recordMany(trx, [
      {
        table: 'welfare_screening',
        id: row.id,
        version: row.version,
        action: held ? 'update' : 'create',
        changedBy: actor.id,
        changedAt: deps.clock.now(),
        changes: { staff_id: [null, staffId], screened_on: [null, input.screenedOn] },
      },
    ])
  }
  // A screening re-recorded under another member of staff is judged for the one it left too.
  await deps.afterWrite?.(trx, iiocViewerKind, [
    ...new Set([...submissions.map((s) => (staff.get(s.input.staff) as { id: string }).id), ...left]),
  ])
  return { written }
}

export async function writeViewers(
  trx: Transaction,
  deps: WriterDeps,
  submissions: readonly Submission<ViewerInput>[],
  actor: Actor,
): Promise<WriteResult> {
  const { staff, failures } = await checked(trx, deps, submissions, (i) => [['fromDate', i.fromDate]])
  submissions.forEach(({ input }, index) => {
    if (input.toDate && input.toDate < input.fromDate)
      failures.push({ index, errors: [{ field: 'toDate', reason: 'must not be before the start' }] })
  })
  if (failures.length) return { errors: failures }
  const written: { ref: string; id: string; created: boolean }[] = []
  for (const { input } of submissions) {
    const staffId = (staff.get(input.staff) as { id: string }).id
    const row = await trx
      .insertInto('iioc_viewer')
      .values({
        staff_id: staffId,
        basis: input.basis,
        from_date: input.fromDate,
        to_date: input.toDate ?? null,
        recorded_by: actor.username,
      })
      .onConflict((oc) =>
        oc
          .columns(['staff_id', 'from_date'])
          .doUpdateSet({ basis: input.basis, to_date: input.toDate ?? null }),
      )
      .returning(['id'])
      .executeTakeFirstOrThrow()
    written.push({ ref: row.id, id: row.id, created: true })
  }
  await deps.afterWrite?.(trx, iiocViewerKind, [
    ...new Set(submissions.map((s) => (staff.get(s.input.staff) as { id: string }).id)),
  ])
  return { written }
}

export async function writeGradings(
  trx: Transaction,
  deps: WriterDeps,
  submissions: readonly Submission<GradingInput>[],
  actor: Actor,
): Promise<WriteResult> {
  const { staff, failures } = await checked(trx, deps, submissions, (i) => [['month', `${i.month}-01`]])
  if (failures.length) return { errors: failures }
  const written: { ref: string; id: string; created: boolean }[] = []
  for (const { input } of submissions) {
    const staffId = (staff.get(input.staff) as { id: string }).id
    const month = `${input.month}-01`
    await ensureViewer(trx, staffId, 'grading', month, actor)
    const row = await trx
      .insertInto('iioc_grading_month')
      .values({ staff_id: staffId, month, images: input.images })
      .onConflict((oc) => oc.columns(['staff_id', 'month']).doUpdateSet({ images: input.images }))
      .returning(['id'])
      .executeTakeFirstOrThrow()
    written.push({ ref: row.id, id: row.id, created: true })
  }
  await deps.afterWrite?.(trx, iiocViewerKind, [
    ...new Set(submissions.map((s) => (staff.get(s.input.staff) as { id: string }).id)),
  ])
  return { written }
}
