// Seized devices and what Kestrel decides about them: pure functions, tested with many cases.
import { DECISION_TEXT, type Decision } from './report.ts'

/** The record kind of a triage result, as the access log names it (a device's kind is in access.ts). */
export const triageResultKind = 'triage-result'

/**
 * An exhibit reference: a letter or digit, then up to 99 letters, digits, spaces or . _ / -, in ASCII. The
 * table checks the same with [[:alnum:]], which follows the database's own Unicode tables (older than
 * Node's, and not the same on PGlite and PostgreSQL): '½' or a recently added letter passed a check by
 * Unicode category here and failed there, a 500. ASCII is a letter or digit to every database, and exhibit
 * references are written in it.
 */
export const deviceRefPattern = /^[A-Za-z0-9][A-Za-z0-9 ._/-]{0,99}$/
export const deviceRefRule = '1-100 letters A-Z, digits, spaces or . _ / -'

export const deviceKinds = ['phone', 'laptop', 'tablet', 'storage', 'other'] as const
export type DeviceKind = (typeof deviceKinds)[number]

export const deviceStatuses = ['seized', 'triaged', 'submitted', 'examined', 'returned'] as const
export type DeviceStatus = (typeof deviceStatuses)[number]

export const deviceKindLabels: Record<DeviceKind, string> = {
  phone: 'Phone',
  laptop: 'Laptop or computer',
  tablet: 'Tablet',
  storage: 'Storage (USB, card, disk)',
  other: 'Other',
}

export const deviceStatusLabels: Record<DeviceStatus, string> = {
  seized: 'Seized',
  triaged: 'Triaged',
  submitted: 'Submitted for examination',
  examined: 'Examined',
  returned: 'Returned',
}

export const decisionLabels: Record<Decision, string> = DECISION_TEXT

export interface StatusEvent {
  status: DeviceStatus
  at: Date
}

/** The status at an instant: the latest event at or before it (the seizure itself when nothing later). */
export function statusAt(events: readonly StatusEvent[], asOf: Date): StatusEvent | undefined {
  let latest: StatusEvent | undefined
  for (const e of events) {
    if (e.at > asOf) continue
    if (!latest || e.at >= latest.at) latest = e
  }
  return latest
}

/**
 * A triage result moves a device that is only seized on to "triaged" at the time the run finished; a device
 * already further on (submitted, examined, returned) keeps its status: the result is added to its record.
 */
export function statusAfterTriage(current: DeviceStatus): DeviceStatus | undefined {
  return current === 'seized' ? 'triaged' : undefined
}

/** Problems with a status change, named by field; empty when it may be recorded. */
export function checkStatusChange(
  change: { status: DeviceStatus; at: Date },
  device: { seizedAt: Date },
  now: Date,
): { field: string; reason: string }[] {
  const errors: { field: string; reason: string }[] = []
  if (change.at > now) errors.push({ field: 'at', reason: 'must not be in the future' })
  if (change.at < device.seizedAt)
    errors.push({ field: 'at', reason: 'must not be before the device was seized' })
  if (change.status === 'seized')
    errors.push({ field: 'status', reason: 'a device is seized once, when recorded' })
  return errors
}
