import type { Role } from '../access/roles.ts'

/** Where a user's work lies: the whole force, or one BCU (and borough, where their team has one). */
export type Area = { forceWide: true } | { forceWide: false; bcuId: string | null; boroughId: string | null }

/** Who is making a request: a signed-in person or a system client with an API token. */
export interface Principal {
  kind: 'user' | 'token'
  id: string
  username: string
  displayName: string
  roles: Role[]
  staffId: string | null
  area: Area
}

/** Resolves a person's area from their staff record; the organisation module provides it. */
export type AreaResolver = (staffId: string | null, roles: readonly Role[]) => Promise<Area>
