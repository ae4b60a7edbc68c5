import type { FieldError } from '../../platform/http/errors.ts'
import { ageOn, isIsoDate } from '../../platform/time.ts'

/**
 * The person index's vocabulary and its decisions, as pure functions: validation, age at a date, flags
 * and household membership as of a date. Everything that touches the database lives in service.ts.
 */

export const genders = ['female', 'male', 'other', 'not known'] as const
export type Gender = (typeof genders)[number]

/**
 * ONS 2021 census ethnic groups (England and Wales) with the codes police systems use for self-defined
 * ethnicity, plus "not stated". 2021 added Roma (W4) to the 18 groups of 2011.
 */
export const ethnicities = [
  { code: 'A1', label: 'Asian, Asian British or Asian Welsh: Indian' },
  { code: 'A2', label: 'Asian, Asian British or Asian Welsh: Pakistani' },
  { code: 'A3', label: 'Asian, Asian British or Asian Welsh: Bangladeshi' },
  { code: 'A4', label: 'Asian, Asian British or Asian Welsh: Chinese' },
  { code: 'A9', label: 'Asian, Asian British or Asian Welsh: any other Asian background' },
  { code: 'B1', label: 'Black, Black British, Black Welsh, Caribbean or African: Caribbean' },
  { code: 'B2', label: 'Black, Black British, Black Welsh, Caribbean or African: African' },
  {
    code: 'B9',
    label: 'Black, Black British, Black Welsh, Caribbean or African: any other Black background',
  },
  { code: 'M1', label: 'Mixed or multiple ethnic groups: White and Black Caribbean' },
  { code: 'M2', label: 'Mixed or multiple ethnic groups: White and Black African' },
  { code: 'M3', label: 'Mixed or multiple ethnic groups: White and Asian' },
  { code: 'M9', label: 'Mixed or multiple ethnic groups: any other mixed or multiple background' },
  { code: 'W1', label: 'White: English, Welsh, Scottish, Northern Irish or British' },
  { code: 'W2', label: 'White: Irish' },
  { code: 'W3', label: 'White: Gypsy or Irish Traveller' },
  { code: 'W4', label: 'White: Roma' },
  { code: 'W9', label: 'White: any other White background' },
  { code: 'O1', label: 'Other ethnic group: Arab' },
  { code: 'O9', label: 'Other ethnic group: any other ethnic group' },
  { code: 'NS', label: 'Not stated' },
] as const
export type EthnicityCode = (typeof ethnicities)[number]['code']
export const ethnicityCodes = ethnicities.map((e) => e.code) as EthnicityCode[]
export const ethnicityLabel = (code: string): string =>
  ethnicities.find((e) => e.code === code)?.label ?? code

export const flagKinds = [
  'looked_after',
  'child_protection_plan',
  'child_in_need',
  'cse_risk',
  'cce_risk',
  'missing_history',
  'send',
  'mental_health',
] as const
export type FlagKind = (typeof flagKinds)[number]
export const flagLabels: Record<FlagKind, string> = {
  looked_after: 'Looked after',
  child_protection_plan: 'Child protection plan',
  child_in_need: 'Child in need',
  cse_risk: 'CSE risk',
  cce_risk: 'CCE risk',
  missing_history: 'Missing history',
  send: 'SEND',
  mental_health: 'Mental health',
}

export const protectionPlanCategories = [
  'neglect',
  'physical abuse',
  'sexual abuse',
  'emotional abuse',
  'multiple',
] as const

export const householdRoles = ['parent', 'carer', 'child', 'lodger', 'other adult'] as const
export type HouseholdRole = (typeof householdRoles)[number]

export const relationshipKinds = ['parent', 'carer', 'sibling', 'associate'] as const
export type RelationshipKind = (typeof relationshipKinds)[number]

/** Dates are 'YYYY-MM-DD' throughout, as PostgreSQL `date` columns come back. */
export type IsoDate = string

/**
 * A `date` column as 'YYYY-MM-DD'. node-postgres is set to return the text; PGlite returns a Date at UTC
 * midnight, so rows are normalised here rather than trusting either.
 */
export function asDay(value: unknown): IsoDate {
  if (value instanceof Date) return value.toISOString().slice(0, 10)
  return String(value)
}
export function asDayOrNull(value: unknown): IsoDate | null {
  return value === null || value === undefined ? null : asDay(value)
}

export interface AgeBasis {
  dateOfBirth: IsoDate | null
  estimatedAgeYears: number | null
  estimatedAgeOn: IsoDate | null
}

export interface AgeAt {
  years: number
  estimated: boolean
}

/**
 * A person's age on a day: from the date of birth when known, otherwise the estimate carried forward from
 * the day it was made. Null before birth, or when there is nothing to go on.
 */
export function ageAt(person: AgeBasis, day: IsoDate): AgeAt | null {
  if (person.dateOfBirth) {
    if (day < person.dateOfBirth) return null
    return { years: ageOn(person.dateOfBirth, day), estimated: false }
  }
  if (person.estimatedAgeYears !== null && person.estimatedAgeOn) {
    // Whole years since the estimate was made (negative before it), so an estimate ages with the person.
    const years = Math.max(0, person.estimatedAgeYears + ageOn(person.estimatedAgeOn, day))
    return { years, estimated: true }
  }
  return null
}

/** A child is under 18 (Children Act 1989 s105). */
export function isChildAt(person: AgeBasis, day: IsoDate): boolean {
  const age = ageAt(person, day)
  return age !== null && age.years < 18
}

export interface Period {
  fromDate: IsoDate
  toDate: IsoDate | null
}

/** Whether a period (inclusive at both ends, open when toDate is null) covers a day. */
export function covers(period: Period, day: IsoDate): boolean {
  return period.fromDate <= day && (period.toDate === null || period.toDate >= day)
}

export interface FlagRow extends Period {
  id: string
  flag: FlagKind
  detail: string | null
}

/**
 * The flags a person had on a day, one per kind (the latest-starting when rows overlap), in the fixed
 * order of `flagKinds` so the identity bar reads the same way for every child.
 */
export function flagsAsOf<T extends FlagRow>(rows: readonly T[], day: IsoDate): T[] {
  const current = new Map<FlagKind, T>()
  for (const row of rows) {
    if (!covers(row, day)) continue
    const seen = current.get(row.flag)
    if (!seen || seen.fromDate < row.fromDate) current.set(row.flag, row)
  }
  return flagKinds.flatMap((kind) => {
    const row = current.get(kind)
    return row ? [row] : []
  })
}

export interface PersonInput {
  familyName: string
  givenNames: string
  dateOfBirth: IsoDate | null
  estimatedAgeYears: number | null
  gender: Gender
  ethnicity: EthnicityCode
}

/**
 * The checks every way in (form, API, import) applies to a person. `today` is the London day from the
 * injected clock. Returns every problem, named by field.
 */
export function validatePerson(input: Partial<PersonInput>, today: IsoDate): FieldError[] {
  const errors: FieldError[] = []
  const family = input.familyName?.trim() ?? ''
  if (!family) errors.push({ field: 'familyName', reason: 'Enter a family name' })
  else if (family.length > 200)
    errors.push({ field: 'familyName', reason: 'Family name must be 200 characters or fewer' })
  if ((input.givenNames?.trim() ?? '').length > 200)
    errors.push({ field: 'givenNames', reason: 'Given names must be 200 characters or fewer' })
  const dob = input.dateOfBirth ?? null
  const estimate = input.estimatedAgeYears ?? null
  if (dob !== null) {
    if (!isIsoDate(dob)) errors.push({ field: 'dateOfBirth', reason: 'Date of birth must be a real date' })
    else if (dob > today)
      errors.push({ field: 'dateOfBirth', reason: 'Date of birth must be today or in the past' })
    else if (dob < '1900-01-01')
      errors.push({ field: 'dateOfBirth', reason: 'Date of birth must be after 1 January 1900' })
  }
  if (estimate !== null && (!Number.isInteger(estimate) || estimate < 0 || estimate > 120))
    errors.push({
      field: 'estimatedAgeYears',
      reason: 'Estimated age must be a whole number of years from 0 to 120',
    })
  if (dob === null && estimate === null)
    errors.push({ field: 'dateOfBirth', reason: 'Enter a date of birth or an estimated age' })
  if (input.gender !== undefined && !(genders as readonly string[]).includes(input.gender))
    errors.push({ field: 'gender', reason: `Gender must be one of: ${genders.join(', ')}` })
  if (input.ethnicity !== undefined && !(ethnicityCodes as string[]).includes(input.ethnicity))
    errors.push({ field: 'ethnicity', reason: 'Select an ethnic group from the list' })
  return errors
}

export interface FlagInput {
  flag: FlagKind
  detail: string | null
  fromDate: IsoDate
  toDate: IsoDate | null
}

export function validateFlag(input: Partial<FlagInput>, today: IsoDate): FieldError[] {
  const errors: FieldError[] = []
  if (!input.flag || !(flagKinds as readonly string[]).includes(input.flag))
    errors.push({ field: 'flag', reason: 'Select a flag' })
  const detail = input.detail?.trim() || null
  if (
    input.flag === 'child_protection_plan' &&
    detail &&
    !(protectionPlanCategories as readonly string[]).includes(detail)
  )
    errors.push({
      field: 'detail',
      reason: `Category must be one of: ${protectionPlanCategories.join(', ')}`,
    })
  if (detail && detail.length > 200)
    errors.push({ field: 'detail', reason: 'Detail must be 200 characters or fewer' })
  errors.push(...validatePeriod(input, today))
  return errors
}

/** From is required and not in the future; to, when given, is on or after from. */
export function validatePeriod(
  input: { fromDate?: IsoDate | null; toDate?: IsoDate | null },
  today: IsoDate,
): FieldError[] {
  const errors: FieldError[] = []
  if (!input.fromDate) errors.push({ field: 'fromDate', reason: 'Enter the start date' })
  else if (!isIsoDate(input.fromDate))
    errors.push({ field: 'fromDate', reason: 'Start date must be a real date' })
  else if (input.fromDate > today)
    errors.push({ field: 'fromDate', reason: 'Start date must be today or in the past' })
  if (input.toDate) {
    if (!isIsoDate(input.toDate)) errors.push({ field: 'toDate', reason: 'End date must be a real date' })
    else if (input.fromDate && input.toDate < input.fromDate)
      errors.push({ field: 'toDate', reason: 'End date must be the same as or after the start date' })
  }
  return errors
}

/** The name as the force writes it on a record: FAMILY, Given names. */
export function displayName(person: { familyName: string; givenNames: string }): string {
  return person.givenNames
    ? `${person.familyName.toUpperCase()}, ${person.givenNames}`
    : person.familyName.toUpperCase()
}

/** The words of a search: names split on spaces, commas and hyphens, lower case. */
export function searchTokens(q: string): string[] {
  return q
    .toLowerCase()
    .split(/[\s,'’-]+/)
    .map((t) => t.replace(/[^\p{L}\p{N}]/gu, ''))
    .filter((t) => t.length > 0)
    .slice(0, 6)
}
