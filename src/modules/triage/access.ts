import { allow, permits } from '../../platform/access/access.ts'
import { type KindOfRecord, recordKind } from '../../platform/access/need-to-know.ts'
import type { Role } from '../../platform/access/roles.ts'

/**
 * Who may know of a seized device, and who may do what with one: the pages and the API ask here.
 *
 * A device lies in the borough it was seized for (its team's, or the one given), and belongs to the team
 * holding it wherever that borough lies.
 */
type DevicePlace = { borough_id: string | null; team_id: string | null }

// Typed in full: `mustSee` narrows the row it is given, which TypeScript allows only on a declared type.
export const deviceKind: KindOfRecord<DevicePlace> = recordKind<DevicePlace>({
  kind: 'device',
  columns: { borough: 'device.borough_id', teams: ['device.team_id'] },
  placeOf: (row) => ({ boroughId: row.borough_id, teamIds: [row.team_id] }),
})

/**
 * Who may see a device at all: the online CSAE team who hold the devices, the DIT auditors and force leads
 * who oversee them. Admins manage the system, not cases, so they are not in the list.
 */
const readers: Role[] = ['online_csae', 'dit_auditor', 'force_lead']
/** Who records devices, status changes and triage results: the team that holds the devices. */
const recorders: Role[] = ['online_csae']

/** The role each action needs; the page route and its API twin use the same entry. */
export const triageAccess = {
  /** The device list, a device with its status history and its results' counts and recommendation. */
  read: allow(...readers),
  /** Recording a device, or replacing its facts and status history. */
  recordDevice: allow(...recorders),
  /** A status change: submitted, examined, returned. */
  recordStatus: allow(...recorders),
  /** Storing a triage report against its device. */
  uploadResult: allow(...recorders),
  /**
   * The details of matches (paths, hashes, distances): the specialist team only. A match's path names a file
   * of indecent material on a suspect's device; auditors and leads see counts and the recommendation, which
   * is what they oversee.
   */
  readMatches: allow('online_csae'),
}

export type TriageAction = keyof typeof triageAccess

/** May these roles do this? For a page that offers an action only to those who may take it. */
export const mayDo = (action: TriageAction, roles: readonly Role[]): boolean =>
  permits(triageAccess[action], roles)

export const canSeeMatchDetails = (roles: readonly Role[]): boolean => mayDo('readMatches', roles)
