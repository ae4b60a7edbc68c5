import { sql } from 'kysely'
import { z } from 'zod'
import { recordMany } from '../../platform/db/history.ts'
import { defineImportKind } from '../../platform/import/kinds.ts'
import { isoDay } from '../../platform/time-schemas.ts'
import { courses } from '../organisation/organisation.ts'

/**
 * A course booked for a member of staff (the training system's bookings), by the booking's own ref:
 * importing a ref again moves the booking. The audit counts the person as scheduled for a course on or
 * after the day.
 */
export const bookingKind = defineImportKind({
  kind: 'training-booking',
  refSchema: z.string().min(1).max(100),
  schema: z.object({ staff: z.string().min(1), course: z.enum(courses), scheduledOn: isoDay() }).strict(),
  refersTo: ['staff'],
  references: (record) => [{ field: 'staff', kind: 'staff', ref: record.staff }],
  async lookup(trx, refs) {
    const rows = await trx
      .selectFrom('training_booking')
      .select(['id', 'ref'])
      .where('ref', 'in', refs)
      .execute()
    return new Map(rows.map((r) => [r.ref, r.id]))
  },
  async write(lines, { trx, idOf, actor, clock }) {
    // The last line of a ref wins, as the importer asks; written in one statement with its history.
    const latest = new Map(lines.map((l) => [l.ref, l]))
    const values = [...latest.values()].map((l) => ({
      ref: l.ref,
      staff_id: idOf('staff', l.record.staff),
      course: l.record.course,
      scheduled_on: l.record.scheduledOn,
      // When the booking was made, on the importer's clock: the audit of a past day leaves it out.
      created_at: clock.now(),
    }))
    const rows = await trx
      .insertInto('training_booking')
      .values(values)
      .onConflict((oc) =>
        oc.column('ref').doUpdateSet({
          staff_id: (eb) => eb.ref('excluded.staff_id'),
          course: (eb) => eb.ref('excluded.course'),
          scheduled_on: (eb) => eb.ref('excluded.scheduled_on'),
          version: sql`training_booking.version + 1`,
        }),
      )
      .returning(['id', 'ref', 'version', 'staff_id', 'course', 'scheduled_on'])
      .execute()
    await recordMany(
      trx,
      rows.map((r) => ({
        table: 'training_booking',
        id: r.id,
        version: r.version,
        action: r.version === 1 ? 'create' : 'update',
        changedBy: actor,
        changedAt: clock.now(),
        changes: {
          staff_id: [null, r.staff_id],
          course: [null, r.course],
          scheduled_on: [null, r.scheduled_on],
        },
      })),
    )
    return new Map(rows.map((r) => [r.ref, r.id]))
  },
  describe: {
    summary: 'A course booked for a member of staff: the skills audit counts them as scheduled for it.',
    example: { staff: 'MP100234', course: 'safeguarding_1_week', scheduledOn: '2027-03-08' },
  },
})

export const skillsImportKinds = [bookingKind]
