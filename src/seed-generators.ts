import { custodySeed } from './modules/custody/seed.ts'
import { investigationsSeed } from './modules/investigations/seed.ts'
import { missingSeed } from './modules/missing/seed.ts'
import { organisationSeed } from './modules/organisation/seed.ts'
import { referralsSeed } from './modules/referrals/seed.ts'
import type { SeedGenerator } from './platform/seed/seeder.ts'

/** Demo data generators, in order: each may use what the ones before it shared. */
export const seedGenerators: SeedGenerator[] = [
  organisationSeed,
  referralsSeed,
  custodySeed,
  missingSeed,
  investigationsSeed,
]
