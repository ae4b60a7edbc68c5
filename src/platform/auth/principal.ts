import type { Role } from '../access/roles.ts'

/** Where a user's work lies: the whole force, or one BCU (and borough, where their team has one). */
export type Area =
  | {
      forceWide: true
      /** The teams they belong to: for the work their team holds (My work), not for what they may see. */
      teamIds?: string[]
    }
  | {
      forceWide: false
      bcuId: string | null
      boroughId: string | null
      /**
       * The boroughs whose records this person's area covers today: every borough now in their BCU, or
       * their own borough. Scope records by borough, not by the BCU stored on them, so records from before
       * a reorganisation (when a borough was its own command) stay visible to the area that now owns them.
       */
      boroughIds: string[]
      /** The teams they belong to (a custody suite is a team): records a team owns are theirs wherever they lie. */
      teamIds: string[]
    }

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
