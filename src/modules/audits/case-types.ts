/*
 * The nine case types of Figure 1 of the 2018 report, in the report's order, and the kinds of Kestrel record
 * each is drawn from (their import kinds, which are also how the standards engine and the importer name them).
 * A case type with no record kind of its own yet (none today) is audited from imported cases by a free case
 * reference.
 */

export const caseTypes = [
  'domestic_abuse_referral',
  'other_referral',
  'section_47',
  'place_of_safety',
  'sex_offender',
  'cse_offline',
  'cse_online',
  'missing',
  'custody',
] as const

export type CaseType = (typeof caseTypes)[number]

/** As Figure 1 names each row. */
export const caseTypeLabels: Record<CaseType, string> = {
  domestic_abuse_referral: 'Referrals relating to domestic abuse',
  other_referral: 'Referrals other than domestic abuse',
  section_47: 'Enquiries under section 47 of the Children Act 1989',
  place_of_safety: 'Children taken to a place of safety by police officers',
  sex_offender: 'Sex offender management',
  cse_offline: 'Children at risk of child sexual exploitation non-internet',
  cse_online: 'Children at risk of child sexual exploitation online',
  missing: 'Children missing',
  custody: 'Children in police custody',
}

/** The record kinds (import kind names) an audit of each case type may be about. */
export const recordKindsOf: Record<CaseType, readonly string[]> = {
  domestic_abuse_referral: ['pac'],
  other_referral: ['pac'],
  section_47: ['investigation'],
  place_of_safety: ['police-protection'],
  sex_offender: ['rso'],
  cse_offline: ['investigation'],
  cse_online: ['online-case'],
  missing: ['missing-episode'],
  custody: ['custody-detention'],
}

/** Every record kind an audit may name, for the import's reference checks. */
export const auditedRecordKinds = [...new Set(Object.values(recordKindsOf).flat())]

export const isCaseType = (value: string): value is CaseType =>
  (caseTypes as readonly string[]).includes(value)
