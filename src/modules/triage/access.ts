import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely'
import { allow, permits } from '../../platform/access/access.ts'
import { type KindOfRecord, type Reach, recordKind } from '../../platform/access/need-to-know.ts'
import type { Role } from '../../platform/access/roles.ts'
import type { Executor } from '../../platform/db/database.ts'
import { NotFoundError } from '../../platform/http/errors.ts'

/**
 * Who may know of a seized device, and who may do what with one: the pages and the API ask here.
 *
 * A device lies in the borough it was seized for (its team's, or the one given), and belongs to the team
 * holding it wherever that borough lies. A device seized in a case belongs to that case as well: whoever's
 * need to know reaches the case reaches its devices (the module that keeps the cases says who, through
 * `DeviceReach.throughCase`), so an investigating officer sees the devices of their own case and no other.
 */
type DevicePlace = { borough_id: string | null; team_id: string | null }

// Typed in full: `mustSee` narrows the row it is given, which TypeScript allows only on a declared type.
export const deviceKind: KindOfRecord<DevicePlace> = recordKind<DevicePlace>({
  kind: 'device',
  columns: { borough: 'device.borough_id', teams: ['device.team_id'] },
  placeOf: (row) => ({ boroughId: row.borough_id, teamIds: [row.team_id] }),
})

/**
 * A reader's reach over devices: the kernel's reach over the devices' own places, and, when a module keeps
 * the cases devices are seized in, a condition on a case reference that is true for the cases within the
 * reader's need to know of them (the kernel's answer for that module's case kind).
 */
export type DeviceReach = Reach & {
  throughCase?: ((caseRef: Expression<string | null>) => RawBuilder<SqlBool>) | undefined
}

/** The devices a reader may see, as a condition on the device table under `alias`. */
export function devicesVisible(reach: DeviceReach, alias = 'device'): RawBuilder<SqlBool> {
  const own = deviceKind.where(reach, alias)
  if (!reach.throughCase || reach.forceWide) return own
  return sql<SqlBool>`(${own} or ${reach.throughCase(sql.ref(`${alias}.case_ref`))})`
}

/** Does the reference name a case, kept by the module that registered its cases, within the reader's reach? */
export async function seesCase(q: Executor, reach: DeviceReach, caseRef: string | null): Promise<boolean> {
  if (!reach.throughCase || !caseRef) return false
  const { through } = await q
    .selectNoFrom(reach.throughCase(sql.val(caseRef)).as('through'))
    .executeTakeFirstOrThrow()
  return Boolean(through)
}

/** May this reader see a device in hand (or one about to be written: its place and case)? */
export async function seesDevice(
  q: Executor,
  reach: DeviceReach,
  row: DevicePlace & { case_ref: string | null },
): Promise<boolean> {
  return deviceKind.canSee(reach, row) || seesCase(q, reach, row.case_ref)
}

/** A device outside the reader's reach is as good as absent: its existence is not confirmed. */
export async function mustSeeDevice<Row extends DevicePlace & { case_ref: string | null }>(
  q: Executor,
  reach: DeviceReach,
  row: Row | undefined,
  notFound: string,
): Promise<Row> {
  if (row === undefined || !(await seesDevice(q, reach, row))) throw new NotFoundError(notFound)
  return row
}

/**
 * The roles that hold devices by their place: the online CSAE team who keep the devices, the DIT auditors
 * and force leads who oversee them. Admins manage the system, not cases, so they are not in the list.
 */
export const holdsDevicesByPlace: Role[] = ['online_csae', 'dit_auditor', 'force_lead']
/** Investigating officers and their supervisors reach devices only through the cases they may see. */
const investigators: Role[] = ['officer', 'supervisor']
/** Who records devices, status changes and triage results: the team that holds them, and the case's investigators. */
const recorders: Role[] = ['online_csae', ...investigators]

/** The role each action needs; the page route and its API twin use the same entry. */
export const triageAccess = {
  /** The device list, a device with its status history and its results' counts and recommendation. */
  read: allow(...holdsDevicesByPlace, ...investigators),
  /** Recording a device, or replacing its facts and status history. */
  recordDevice: allow(...recorders),
  /** A status change: submitted, examined, returned. */
  recordStatus: allow(...recorders),
  /** Storing a triage report against its device. */
  uploadResult: allow(...recorders),
  /**
   * The details of matches (paths, hashes, distances): the specialist team and the DIT (issue 20), each view
   * access-logged. A match's path names a file of indecent material on a suspect's device; investigating
   * officers and force leads see counts and the recommendation, which is what they act on.
   */
  readMatches: allow('online_csae', 'dit_auditor'),
}

export type TriageAction = keyof typeof triageAccess

/** May these roles do this? For a page that offers an action only to those who may take it. */
export const mayDo = (action: TriageAction, roles: readonly Role[]): boolean =>
  permits(triageAccess[action], roles)

export const canSeeMatchDetails = (roles: readonly Role[]): boolean => mayDo('readMatches', roles)
