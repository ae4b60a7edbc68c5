import type { Executor } from '../../../platform/db/database.ts'
import type { ChangeAuthor, HistoryService } from '../../../platform/db/history.ts'
import { ValidationError } from '../../../platform/http/errors.ts'
import { londonDate } from '../../../platform/time.ts'
import { type BookingInput, validateBooking } from '../inputs.ts'

/** A booking's reference: one person, one course, one day. */
export const bookingRef = (staffNumber: string, course: string, scheduledOn: string) =>
  `${staffNumber}-${course}-${scheduledOn}`

/** Books a person on a course on a day, its history kept; the same booking twice is refused. */
export async function addBooking(
  q: Executor,
  history: HistoryService,
  staff: { id: string; staffNumber: string },
  input: BookingInput,
  now: Date,
  author: ChangeAuthor,
) {
  const errors = validateBooking(input, londonDate(now))
  if (errors.length) throw new ValidationError(errors)
  const ref = bookingRef(staff.staffNumber, input.course, input.scheduledOn)
  const taken = await q.selectFrom('training_booking').select('id').where('ref', '=', ref).executeTakeFirst()
  if (taken)
    throw new ValidationError([
      { field: 'scheduledOn', reason: 'They are already booked on this course that day' },
    ])
  return history.insertRecord(
    q,
    'training_booking',
    { ref, staff_id: staff.id, course: input.course, scheduled_on: input.scheduledOn, created_at: now },
    author,
  )
}
