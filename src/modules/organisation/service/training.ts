import { type RawBuilder, sql } from 'kysely'
import type { Clock } from '../../../platform/clock.ts'
import { type Executor, inTransaction } from '../../../platform/db/database.ts'
import { ConflictError, NotFoundError } from '../../../platform/http/errors.ts'
import { isUuid } from '../../../platform/ids.ts'
import { londonDate } from '../../../platform/time.ts'
import { type Course, changedFields, type TrainingInput, validateTraining } from '../organisation.ts'
import { dayOf } from './areas.ts'
import {
  calendarDay,
  created,
  fail,
  type OrganisationChanged,
  recordChange,
  staffColumns,
  type TrainingRecord,
  toStaff,
  toTraining,
} from './records.ts'

const trainingColumns = ['id', 'staff_id', 'course', 'completed_on', 'version'] as const

/** For a rule that answers with one query, SQL not yet run: each course a member of staff completed. */
export function trainingRecordsSql(): RawBuilder<{ staff_id: string; course: string; completed_on: string }> {
  return sql`(select r.staff_id, r.course, r.completed_on from training_record r)`
}

export async function trainingFor(q: Executor, staffId: string): Promise<TrainingRecord[]> {
  if (!isUuid(staffId)) return []
  const rows = await q
    .selectFrom('training_record')
    .select(trainingColumns)
    .where('staff_id', '=', staffId)
    .orderBy('completed_on', 'desc')
    .execute()
  return rows.map(toTraining)
}

export async function addTraining(
  q: Executor,
  clock: Clock,
  staffId: string,
  input: TrainingInput,
  changedBy: string,
  changed?: OrganisationChanged,
): Promise<TrainingRecord> {
  const errors = validateTraining(input, londonDate(clock.now()))
  return inTransaction(q, async (trx) => {
    const staff = isUuid(staffId)
      ? await trx.selectFrom('staff').select('id').where('id', '=', staffId).executeTakeFirst()
      : undefined
    if (!staff) throw new NotFoundError('There is no such member of staff')
    if (errors.length) fail(errors)
    const row = await trx
      .insertInto('training_record')
      .values({ staff_id: staffId, course: input.course, completed_on: input.completedOn })
      .returning(trainingColumns)
      .executeTakeFirstOrThrow()
    const record = toTraining(row)
    await recordChange(trx, {
      table: 'training_record',
      id: record.id,
      version: record.version,
      action: 'create',
      changedBy,
      changedAt: clock.now(),
      changes: created(record),
    })
    await changed?.(trx, 'staff', [staffId])
    return record
  })
}

export async function updateTraining(
  q: Executor,
  clock: Clock,
  id: string,
  version: number,
  input: TrainingInput,
  changedBy: string,
  changed?: OrganisationChanged,
): Promise<TrainingRecord> {
  const errors = validateTraining(input, londonDate(clock.now()))
  if (errors.length) fail(errors)
  return inTransaction(q, async (trx) => {
    const before = isUuid(id)
      ? await trx
          .selectFrom('training_record')
          .select(trainingColumns)
          .where('id', '=', id)
          .executeTakeFirst()
      : undefined
    if (!before) throw new NotFoundError('There is no such training record')
    const row = await trx
      .updateTable('training_record')
      .set((eb) => ({
        course: input.course,
        completed_on: input.completedOn,
        version: eb('version', '+', 1),
      }))
      .where('id', '=', id)
      .where('version', '=', version)
      .returning(trainingColumns)
      .executeTakeFirst()
    if (!row) throw new ConflictError()
    const record = toTraining(row)
    await recordChange(trx, {
      table: 'training_record',
      id,
      version: record.version,
      action: 'update',
      changedBy,
      changedAt: clock.now(),
      changes: changedFields(toTraining(before), { ...record, version: undefined }),
    })
    await changed?.(trx, 'staff', [before.staff_id, record.staffId])
    return record
  })
}

/** A team's active staff, each with the courses they have completed (for allocation by skills). */
export async function staffWithTraining(q: Executor, teamId: string) {
  if (!isUuid(teamId)) return []
  const [staff, training] = await Promise.all([
    q
      .selectFrom('staff')
      .select(staffColumns)
      .where('team_id', '=', teamId)
      .where('active', '=', true)
      .orderBy('name')
      .execute(),
    q
      .selectFrom('training_record')
      .innerJoin('staff', 'staff.id', 'training_record.staff_id')
      .select(['training_record.staff_id', 'training_record.course', 'training_record.completed_on'])
      .where('staff.team_id', '=', teamId)
      .where('staff.active', '=', true)
      .orderBy('training_record.completed_on')
      .execute(),
  ])
  return staff.map((s) => ({
    ...toStaff(s),
    training: training
      .filter((t) => t.staff_id === s.id)
      .map((t) => ({ course: t.course, completedOn: calendarDay(t.completed_on) })),
  }))
}

/** Whether a person had completed a course by a day ('YYYY-MM-DD', or an instant's London day). */
export async function hasCourse(
  q: Executor,
  staffId: string,
  course: Course,
  at: Date | string,
): Promise<boolean> {
  if (!isUuid(staffId)) return false
  const row = await q
    .selectFrom('training_record')
    .select('id')
    .where('staff_id', '=', staffId)
    .where('course', '=', course)
    .where('completed_on', '<=', dayOf(at))
    .executeTakeFirst()
  return row !== undefined
}
