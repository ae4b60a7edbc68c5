import { reachOf } from '../../../platform/access/need-to-know.ts'
import type { Principal } from '../../../platform/auth/principal.ts'
import type { Executor } from '../../../platform/db/database.ts'
import { ForbiddenError, ValidationError } from '../../../platform/http/errors.ts'
import { onlineCaseKind, onlineReach } from '../access.ts'
import { noSuchCase, type OnlineDeps } from './dependencies.ts'
import { casesByKey } from './records.ts'

/** A device seized in a case, as its investigator records it. */
export interface CaseDeviceInput {
  case: string
  ref: string
  description: string
  deviceKind: 'phone' | 'laptop' | 'tablet' | 'storage' | 'other'
  seizedAt: Date
}

/**
 * Records a device seized in a case the recorder may see, through the triage module (the one place devices
 * are kept), as one of the case's exhibits: held by the team the case is allocated to, in the case's borough,
 * so its investigator, frontline or not, sees its triage result (ONL-05 to ONL-07 judge it). An exhibit
 * reference already recorded is refused rather than replaced.
 */
export async function recordCaseDevice(
  q: Executor,
  deps: OnlineDeps,
  input: CaseDeviceInput,
  principal: Principal,
) {
  const found = (await casesByKey(q, [input.case])).get(input.case)
  onlineCaseKind.mustSee(await onlineReach(q, principal), found, noSuchCase)
  if (!deps.devices) throw new Error('The online module was built without the triage module')
  if (!found.allocated_team_id)
    throw new ValidationError([{ field: 'ref', reason: 'Allocate the case before recording its devices' }])
  if (await deps.devices.exists(input.ref))
    throw new ValidationError([{ field: 'ref', reason: `An exhibit ${input.ref} is already recorded` }])
  const [team, borough] = await Promise.all([
    q.selectFrom('team').select('name').where('id', '=', found.allocated_team_id).executeTakeFirstOrThrow(),
    found.borough_id
      ? q.selectFrom('borough').select('name').where('id', '=', found.borough_id).executeTakeFirst()
      : undefined,
  ])
  const reach = reachOf(principal)
  // The specialists record for any case; anyone else for the cases of their own team or area.
  const recordAs = principal.roles.includes('online_csae') ? { ...reach, forceWide: true } : reach
  try {
    return await deps.devices.record(
      input.ref,
      {
        description: input.description,
        deviceKind: input.deviceKind,
        caseRef: found.ref,
        seizedAt: input.seizedAt,
        team: team.name,
        ...(borough ? { borough: borough.name } : {}),
        statusHistory: [],
      },
      principal,
      recordAs,
    )
  } catch (error) {
    if (error instanceof ForbiddenError)
      throw new ForbiddenError('You can record devices only in the cases allocated to you or your team')
    throw error
  }
}
