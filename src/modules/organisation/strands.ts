/**
 * The force's 12 safeguarding strands (HMICFRS 2018 inspection report, footnote 6): how the force
 * classifies its public protection work. An investigation names its strands; a PAC names its concerns in
 * the same terms. Defined here, in the organisation module every other module already builds on, so
 * referrals and investigations share one list without importing each other.
 */
export const strands = [
  'child_abuse',
  'online_csea',
  'rape_serious_sexual_offences_sex_workers',
  'young_offenders',
  'cse',
  'hate_crime',
  'domestic_abuse_stalking_harassment',
  'harmful_traditional_practices',
  'mental_health_drugs_alcohol_suicide',
  'missing_people',
  'modern_slavery_trafficking_cce',
  'vulnerable_adults',
] as const
export type Strand = (typeof strands)[number]

export const strandLabels: Record<Strand, string> = {
  child_abuse: 'Child abuse',
  online_csea: 'Online child sexual exploitation and abuse',
  rape_serious_sexual_offences_sex_workers: 'Rape, serious sexual offences and sex workers',
  young_offenders: 'Young offenders',
  cse: 'Child sexual exploitation',
  hate_crime: 'Hate crime',
  domestic_abuse_stalking_harassment: 'Domestic abuse, stalking and harassment',
  harmful_traditional_practices:
    "Harmful traditional practices ('honour-based' abuse, forced marriage, female genital mutilation)",
  mental_health_drugs_alcohol_suicide: 'Mental health, drug and alcohol dependency and suicide prevention',
  missing_people: 'Missing people',
  modern_slavery_trafficking_cce:
    'Modern slavery and human trafficking (including child criminal exploitation)',
  vulnerable_adults: 'Abuse and neglect of vulnerable adults',
}

export const isStrand = (value: unknown): value is Strand =>
  typeof value === 'string' && (strands as readonly string[]).includes(value)
