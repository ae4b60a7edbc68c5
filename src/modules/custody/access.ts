import { allow, permits } from '../../platform/access/access.ts'
import { type KindOfRecord, type Reach, recordKind } from '../../platform/access/need-to-know.ts'
import type { Role } from '../../platform/access/roles.ts'

/**
 * Who may know of a detention, and who may do what with one: the pages, their forms and the API ask here.
 *
 * A detention lies in the borough of the suite that held the child, and belongs to that suite wherever the
 * borough lies. Its kind keeps the name the access log, the findings and the import have always given it,
 * so every row about one detention is found under one name.
 */
/** Where a detention lies: its row, or a suite a detention might be recorded at. */
type DetentionPlace = { borough_id: string | null; custody_suite_team_id: string }

// Typed in full: `mustSee` narrows the row it is given, which TypeScript allows only on a declared type.
export const detentionKind: KindOfRecord<DetentionPlace> = recordKind<DetentionPlace>({
  kind: 'custody-detention',
  columns: { borough: 'custody_detention.borough_id', teams: ['custody_detention.custody_suite_team_id'] },
  placeOf: (row) => ({ boroughId: row.borough_id, teamIds: [row.custody_suite_team_id] }),
})

const readers: Role[] = ['custody', 'supervisor', 'bcu_lead', 'force_lead', 'dit_auditor', 'admin']
const recorders: Role[] = ['custody', 'admin']

/** The role each action needs; the page route and its API twin use the same entry. */
export const custodyAccess = {
  /** The inspector's view, a detention with its timeline and clocks. */
  read: allow(...readers),
  /** Recording a new detention. */
  recordDetention: allow(...recorders),
  /** Adding an event to a detention's timeline. */
  recordEvent: allow(...recorders),
  /** Linking the PAC that records a detention (CUS-12). */
  linkPac: allow(...recorders),
}

export type CustodyAction = keyof typeof custodyAccess

/** May these roles do this? For a page that offers an action only to those who may take it. */
export const mayDo = (action: CustodyAction, roles: readonly Role[]): boolean =>
  permits(custodyAccess[action], roles)

/**
 * Need to know's reach over detentions, narrowed for custody-suite staff: a member of a custody suite's team
 * sees that suite's detentions, not every detention in the boroughs of their BCU. A custody sergeant books in
 * whoever is brought to their own suite; arrests held at the BCU's other suites are not theirs to know.
 * `suiteTeamIds` are the custody suites among the asker's teams (the caller looks the team kinds up).
 */
export function custodyReach(reach: Reach, suiteTeamIds: readonly string[]): Reach {
  if (reach.forceWide) return reach
  const suites = reach.teamIds.filter((t) => suiteTeamIds.includes(t))
  return suites.length ? { ...reach, boroughIds: [], teamIds: suites } : reach
}
