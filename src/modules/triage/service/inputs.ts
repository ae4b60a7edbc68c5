import { z } from 'zod'
import type { FieldError } from '../../../platform/http/errors.ts'
import { coercedInstant } from '../../../platform/time-schemas.ts'
import { type DeviceStatus, deviceKinds, deviceRefPattern, deviceRefRule, deviceStatuses } from '../device.ts'

/* A device and its status changes as the API and the import give them, and the checks on their facts. */

export const deviceRef = z
  .string()
  .trim()
  .regex(deviceRefPattern, `must be ${deviceRefRule} (the exhibit reference)`)

const laterStatuses = deviceStatuses.filter((s) => s !== 'seized') as [DeviceStatus, ...DeviceStatus[]]

export const statusChangeInput = z
  .object({
    status: z.enum(laterStatuses),
    at: coercedInstant('must be a date-time with offset'),
    note: z.string().trim().max(2000).optional(),
  })
  .strict()

/** A device as the import format and the API give it; refs by name as docs/import-format.md says. */
export const deviceInput = z
  .object({
    description: z.string().trim().min(1).max(500),
    // `kind` names the line in the import format, so the device's own kind is `deviceKind`.
    deviceKind: z.enum(deviceKinds),
    caseRef: z.string().trim().min(1).max(200).optional(),
    seizedAt: coercedInstant('must be a date-time with offset'),
    owner: z.string().trim().min(1).max(200).optional(),
    team: z.string().trim().min(1).max(200).optional(),
    borough: z.string().trim().min(1).max(200).optional(),
    statusHistory: z.array(statusChangeInput).max(100).default([]),
  })
  .strict()
export type DeviceInput = z.output<typeof deviceInput>

/** A device with its references resolved to ids (by the importer, or by the API through the services). */
export interface ResolvedDevice {
  ref: string
  input: DeviceInput
  ownerId: string | null
  teamId: string | null
  boroughId: string | null
}

/** Problems with a device's facts, named by field; the same for the API and the import. */
export function checkDevice(input: DeviceInput, now: Date): FieldError[] {
  const errors: FieldError[] = []
  if (input.seizedAt > now) errors.push({ field: 'seizedAt', reason: 'must not be in the future' })
  input.statusHistory.forEach((e, i) => {
    if (e.at > now) errors.push({ field: `statusHistory.${i}.at`, reason: 'must not be in the future' })
    if (e.at < input.seizedAt)
      errors.push({ field: `statusHistory.${i}.at`, reason: 'must not be before the device was seized' })
  })
  return errors
}
