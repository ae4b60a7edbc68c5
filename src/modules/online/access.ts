import { allow, permits } from '../../platform/access/access.ts'
import { type KindOfRecord, type Reach, reachOf, recordKind } from '../../platform/access/need-to-know.ts'
import type { Role } from '../../platform/access/roles.ts'
import type { Principal } from '../../platform/auth/principal.ts'
import type { Executor } from '../../platform/db/database.ts'
import { teamKinds } from '../organisation/service/places.ts'

/** Where an online case lies: the suspect's borough once known, and the team and officer it is allocated to. */
type OnlineCasePlace = {
  borough_id: string | null
  allocated_team_id: string | null
  allocated_staff_id: string | null
}

export const onlineCaseKind: KindOfRecord<OnlineCasePlace> = recordKind<OnlineCasePlace>({
  kind: 'online-case',
  columns: {
    borough: 'online_case.borough_id',
    staff: ['online_case.allocated_staff_id'],
    teams: ['online_case.allocated_team_id'],
  },
  placeOf: (row) => ({
    boroughId: row.borough_id,
    staffIds: [row.allocated_staff_id],
    teamIds: [row.allocated_team_id],
  }),
})

/** A member of staff who views or grades indecent images, as ONL-08 finds them. */
export const iiocViewerKind = 'iioc-viewer'

/**
 * How far a person's need to know of online cases goes, as issue 20 sets it, given to the one kernel as a
 * reach: the specialist online team (and its supervisors) hold every case in the force, including those with
 * no suspect or borough yet; a BCU's child abuse team, supervisors and leads the cases of their area; a
 * frontline officer only the cases allocated to them. Force-wide roles keep the kernel's force-wide reach.
 */
export async function onlineReach(q: Executor, principal: Principal): Promise<Reach> {
  const reach = reachOf(principal)
  if (reach.forceWide) return reach
  if (principal.roles.includes('online_csae')) return { ...reach, forceWide: true }
  if (principal.roles.some((r) => r === 'supervisor' || r === 'bcu_lead')) return reach
  const kinds = await teamKinds(q, reach.teamIds)
  if ([...kinds.values()].includes('cait')) return reach
  return { ...reach, boroughIds: [], teamIds: [] }
}

const readers: Role[] = ['online_csae', 'officer', 'supervisor', 'bcu_lead', 'force_lead', 'dit_auditor']
const investigators: Role[] = ['online_csae', 'officer', 'supervisor']

/** The role each action needs; a page and its API twin use the same entry. */
export const onlineAccess = {
  read: allow(...readers),
  /** Recording a new case, its KIRAT assessment: the specialist team, who receive the referrals. */
  record: allow('online_csae', 'supervisor'),
  /** Moving a case on a stage, recording children identified and what was done for them. */
  investigate: allow(...investigators),
  /** Allocating a case to a team and officer. */
  allocate: allow('online_csae', 'supervisor'),
  /** The welfare of staff who view or grade indecent images (ONL-08). */
  welfare: allow('online_csae', 'supervisor', 'force_lead'),
}

export type OnlineAction = keyof typeof onlineAccess

export const mayDo = (action: OnlineAction, roles: readonly Role[]): boolean =>
  permits(onlineAccess[action], roles)

/** The material's description beyond its category is the specialist team's alone. */
export const mayReadMaterial = (roles: readonly Role[]): boolean => roles.includes('online_csae')

/** A supervisor may close a case with children and no welfare visit or social care referral, with a reason. */
export const maySuperviseClosing = (roles: readonly Role[]): boolean => roles.includes('supervisor')
