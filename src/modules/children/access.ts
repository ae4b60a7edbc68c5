import { allow, permits } from '../../platform/access/access.ts'
import { reachOf, recordKind } from '../../platform/access/need-to-know.ts'
import { operationalRoles, type Role, staffRoles } from '../../platform/access/roles.ts'
import type { Principal } from '../../platform/auth/principal.ts'

/**
 * Who may read the person index and who may change a person in it, declared once: the pages and the API
 * ask these same constants and `mayEdit`, so neither lets anyone do what the other refuses
 * (docs/decisions/0006-person-index-access.md).
 */

// ---------- role permissions, one per action ----------

/** Everyone inside the force may search and read the person index, wherever the person lives; partners none of it. */
export const personReaders = allow(...staffRoles)
/** Those who record people and what is known about them (auditors and leads read only). */
export const personWriterRoles: Role[] = [...operationalRoles, 'admin']
/** Adding a person, and opening any form that changes one (the person's area is checked by `mayEdit`). */
export const personWriters = allow(...personWriterRoles)
/** Writers who change a person wherever they live: the MASH (the force's front door) and administrators. */
export const forceWideEditors = allow('mash', 'admin')

// ---------- where a person's record is held ----------

/**
 * Where the area that may change a person lies: the borough of their current address (today's, else the
 * last one that started), null when none is known or it lies outside the force's boroughs.
 */
export interface PersonHolding {
  boroughId: string | null
}

export const personKind = recordKind<PersonHolding>({
  kind: 'person',
  columns: { borough: 'person_address.borough_id' },
  placeOf: (held) => ({ boroughId: held.boroughId }),
})

/** Who is changing a person, as `mayEdit` reads them. */
export type Editor = Pick<Principal, 'roles' | 'area' | 'staffId' | 'id'> & { kind?: Principal['kind'] }

/**
 * May this principal change this person? A writer role, and: the MASH or an administrator anywhere; anyone
 * else only a person held in a borough of their area today. A person held nowhere (no address with a
 * borough) may be changed by any writer: someone has to record where a newly met child lives.
 */
export function mayEdit(editor: Editor, held: PersonHolding): boolean {
  if (!permits(personWriters, editor.roles)) return false
  if (permits(forceWideEditors, editor.roles)) return true
  if (held.boroughId === null) return true
  return personKind.canSee(reachOf(editor), held)
}

/** Why a change was refused, for the 403 page and problem. */
export const editRefusal =
  "This person's record is held by the area they live in: only that area's staff or the MASH may change it"
