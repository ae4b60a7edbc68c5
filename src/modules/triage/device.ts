// Seized devices and what Kestrel decides about them: pure functions, tested with many cases.
import type { Role } from '../../platform/access/roles.ts'
import { DECISION_TEXT, type Decision } from './report.ts'

/** The record kinds the triage rules and pages name. */
export const deviceKind = 'device'
export const triageResultKind = 'triage-result'

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

/**
 * Who may see a device at all: the online CSAE team who hold the devices, the DIT auditors and force leads
 * who oversee them. Admins manage the system, not cases, so they are not in the list.
 */
export const deviceReaderRoles: readonly Role[] = ['online_csae', 'dit_auditor', 'force_lead']
/** Who may record devices, status changes and triage results. */
export const deviceRecorderRoles: readonly Role[] = ['online_csae']
/**
 * Who may see the details of matches (paths, hashes, distances): the specialist team only. A match's path
 * names a file of indecent material on a suspect's device; auditors and leads see counts and the
 * recommendation, which is what they oversee.
 */
export const matchDetailRoles: readonly Role[] = ['online_csae']

export function canSeeMatchDetails(roles: readonly Role[]): boolean {
  return roles.some((r) => matchDetailRoles.includes(r))
}

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
