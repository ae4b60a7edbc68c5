import type { Selectable } from 'kysely'
import type { Actor } from '../../../platform/access/access-log.ts'
import type { Transaction } from '../../../platform/db/database.ts'
import type { DB } from '../../../platform/db/schema.ts'
import type { Editor } from '../access.ts'
import {
  asDay,
  asDayOrNull,
  type FlagKind,
  type HouseholdRole,
  type IsoDate,
  type PersonInput,
  type RelationshipKind,
} from '../person.ts'

/**
 * The person index's records as the rest of Kestrel sees them, and how they map to and from the tables.
 */

/** Who is searching, for the access log. */
export interface SearchViewer {
  actor: Actor
  requestId?: string | null
  /** What was asked, as the access log names it ('GET /people?q=smith'); the search words when absent. */
  query?: string
}

/**
 * Who changes the index: a principal (a person or an API client), whose area is checked against the
 * person's (`mayEdit`), or an operator acting for the force (command line, import, seed) with no roles.
 */
export type Changer = Actor | (Actor & Editor)

export function isEditor(changer: Changer): changer is Actor & Editor {
  return 'roles' in changer && 'area' in changer
}

export interface Person {
  id: string
  ref: string
  familyName: string
  givenNames: string
  dateOfBirth: IsoDate | null
  estimatedAgeYears: number | null
  estimatedAgeOn: IsoDate | null
  gender: string
  ethnicity: string
  mergedInto: string | null
  createdAt: Date
  updatedAt: Date
  version: number
}

export interface PersonAddress {
  id: string
  personId: string
  address: string
  postcode: string | null
  boroughId: string | null
  boroughName: string | null
  fromDate: IsoDate
  toDate: IsoDate | null
  version: number
}

export interface PersonFlag {
  id: string
  personId: string
  flag: FlagKind
  detail: string | null
  fromDate: IsoDate
  toDate: IsoDate | null
  version: number
}

export interface Membership {
  id: string
  householdId: string
  householdRef: string
  personId: string
  role: HouseholdRole
  fromDate: IsoDate
  toDate: IsoDate | null
  version: number
}

export interface Relationship {
  id: string
  /** The other person, seen from the person whose relationships were asked for. */
  other: Person
  kind: RelationshipKind
  /** How the relationship reads from the asking person: "parent of", "child of", "sibling of"... */
  reading: string
  fromDate: IsoDate | null
  toDate: IsoDate | null
  version: number
}

export interface AddressInput {
  address: string
  postcode: string | null
  boroughId: string | null
  fromDate: IsoDate
  toDate: IsoDate | null
}

export interface NewPerson extends PersonInput {
  ref?: string | undefined
  address?: AddressInput | null | undefined
}

export type PersonPatch = Partial<PersonInput>

export interface MergeEvent {
  survivorId: string
  mergedId: string
}
/** Runs in the merge's transaction: a module moves whatever of its records points at the merged person. */
export type MergeHook = (trx: Transaction, event: MergeEvent) => Promise<void>

export type PersonRow = Selectable<DB['person']>

export function toPerson(row: PersonRow): Person {
  return {
    id: row.id,
    ref: row.ref,
    familyName: row.family_name,
    givenNames: row.given_names,
    dateOfBirth: asDayOrNull(row.date_of_birth),
    estimatedAgeYears: row.estimated_age_years,
    estimatedAgeOn: asDayOrNull(row.estimated_age_on),
    gender: row.gender,
    ethnicity: row.ethnicity,
    mergedInto: row.merged_into,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  }
}

export function toMembership(
  r: Selectable<DB['household_membership']> & { household_ref: string },
): Membership {
  return {
    id: r.id,
    householdId: r.household_id,
    householdRef: r.household_ref,
    personId: r.person_id,
    role: r.role as HouseholdRole,
    fromDate: asDay(r.from_date),
    toDate: asDayOrNull(r.to_date),
    version: r.version,
  }
}

/** Columns a person's patch may set, as the table names them. */
export function personColumns(input: PersonPatch, today: IsoDate) {
  const values: Record<string, unknown> = {}
  if (input.familyName !== undefined) values.family_name = input.familyName.trim()
  if (input.givenNames !== undefined) values.given_names = input.givenNames.trim().replace(/\s+/g, ' ')
  if (input.dateOfBirth !== undefined) values.date_of_birth = input.dateOfBirth
  if (input.estimatedAgeYears !== undefined) {
    values.estimated_age_years = input.estimatedAgeYears
    values.estimated_age_on = input.estimatedAgeYears === null ? null : today
  }
  if (input.gender !== undefined) values.gender = input.gender
  if (input.ethnicity !== undefined) values.ethnicity = input.ethnicity
  return values
}
