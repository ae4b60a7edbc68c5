import type { FieldError } from '../../platform/http/errors.ts'
import { addMonths, isIsoDate } from '../../platform/time.ts'
import { isCourse, teamKinds } from '../organisation/organisation.ts'

/*
 * What the skills pages and API accept, checked again by the service whatever the form did: each check
 * answers the field it is about, in the form's order.
 */

export interface RequirementInput {
  teamKind: string
  staffRole: string
  course: string
  effectiveFrom: string
  source: string
}

export function validateRequirement(input: RequirementInput): FieldError[] {
  const errors: FieldError[] = []
  if (!(teamKinds as readonly string[]).includes(input.teamKind))
    errors.push({ field: 'teamKind', reason: 'Select the kind of team' })
  if (input.staffRole.length > 200)
    errors.push({ field: 'staffRole', reason: 'Role must be 200 characters or fewer' })
  if (!isCourse(input.course)) errors.push({ field: 'course', reason: 'Select the course' })
  if (!isIsoDate(input.effectiveFrom))
    errors.push({ field: 'effectiveFrom', reason: 'Enter a real date the requirement starts' })
  if (input.source.length > 500)
    errors.push({ field: 'source', reason: 'Source must be 500 characters or fewer' })
  return errors
}

export function validateEnd(effectiveFrom: string, effectiveTo: string): FieldError[] {
  if (!isIsoDate(effectiveTo)) return [{ field: 'effectiveTo', reason: 'Enter a real last day' }]
  if (effectiveTo < effectiveFrom)
    return [
      { field: 'effectiveTo', reason: 'The last day must be on or after the day the requirement started' },
    ]
  return []
}

export interface BookingInput {
  course: string
  scheduledOn: string
}

/** How far ahead a course may be booked: a plan, not a wish. */
export const bookingHorizonMonths = 24

export function validateBooking(input: BookingInput, today: string): FieldError[] {
  const errors: FieldError[] = []
  if (!isCourse(input.course)) errors.push({ field: 'course', reason: 'Select the course' })
  if (!isIsoDate(input.scheduledOn)) errors.push({ field: 'scheduledOn', reason: 'Enter a real course date' })
  else if (input.scheduledOn < today)
    errors.push({ field: 'scheduledOn', reason: 'The course date must be today or in the future' })
  else if (input.scheduledOn > addMonths(today, bookingHorizonMonths))
    errors.push({
      field: 'scheduledOn',
      reason: `The course date must be within ${bookingHorizonMonths} months`,
    })
  return errors
}
