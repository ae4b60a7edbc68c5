import { canSee, type Reach } from '../../../platform/access/need-to-know.ts'
import type { Executor } from '../../../platform/db/database.ts'
import type { FieldError } from '../../../platform/http/errors.ts'
import { londonDate } from '../../../platform/time.ts'
import type { MissingDeps } from './dependencies.ts'

/** The missing persons unit serving a borough: its own, else its BCU's on the day. */
function unitServing<T extends { boroughId: string | null; bcuId: string | null }>(
  units: readonly T[],
  boroughId: string,
  bcuId: string | null,
): T | undefined {
  return units.find((t) => t.boroughId === boroughId) ?? units.find((t) => bcuId && t.bcuId === bcuId)
}

export interface Place {
  borough?: { id: string; name: string }
  bcuId?: string | null
  unitId?: string | null
  errors: FieldError[]
}

/**
 * Each record's borough (by id or name), its BCU on the day and its missing persons unit (the one
 * named, else the borough's, else its BCU's): the force, its boroughs and teams read once for a batch,
 * and every borough's BCU on its day in one query.
 */
export async function placesOf(
  q: Executor,
  deps: Pick<MissingDeps, 'organisationOn'>,
  asked: readonly { boroughKey: string; unitKey: string | undefined; at: Date }[],
): Promise<Place[]> {
  if (asked.length === 0) return []
  const organisation = deps.organisationOn(q)
  const force = await organisation.force().catch(() => undefined)
  if (!force) return asked.map(() => ({ errors: [{ field: 'borough', reason: 'No force is set up yet' }] }))
  const boroughs = await organisation.boroughs(force.id)
  const found = asked.map((a) =>
    boroughs.find((b) => b.id === a.boroughKey || b.name.toLowerCase() === a.boroughKey.toLowerCase()),
  )
  const bcus = await organisation.bcuIdsForBoroughs(
    found.flatMap((b, i) => (b ? [{ boroughId: b.id, day: londonDate((asked[i] as { at: Date }).at) }] : [])),
  )
  const teams = (await organisation.teams(force.id)).filter((t) => t.kind === 'missing_persons_unit')
  return asked.map(({ boroughKey, unitKey, at }, i): Place => {
    const borough = found[i]
    if (!borough)
      return { errors: [{ field: 'borough', reason: `There is no borough called ${boroughKey}` }] }
    const bcuId = bcus.get(`${borough.id}|${londonDate(at)}`) ?? null
    let unit = unitServing(teams, borough.id, bcuId)
    if (unitKey) {
      unit = teams.find((t) => t.id === unitKey || t.name.toLowerCase() === unitKey.toLowerCase())
      if (!unit)
        return { errors: [{ field: 'unit', reason: `There is no missing persons unit called ${unitKey}` }] }
    }
    return { borough, bcuId, unitId: unit?.id ?? null, errors: [] }
  })
}

/**
 * The missing persons units a reader works with: those serving a borough within their reach on the
 * day (the borough's own unit, else its BCU's, as an episode is given one) and those they belong to.
 */
export async function unitsInReach(
  q: Executor,
  deps: Pick<MissingDeps, 'organisationOn'>,
  reach: Reach,
  at: Date,
) {
  const organisation = deps.organisationOn(q)
  const force = await organisation.force().catch(() => undefined)
  if (!force) return []
  const teams = (await organisation.teams(force.id)).filter((t) => t.kind === 'missing_persons_unit')
  const day = londonDate(at)
  const boroughs = (await organisation.boroughs(force.id)).filter((b) => canSee(reach, { boroughId: b.id }))
  const bcus = await organisation.bcuIdsForBoroughs(boroughs.map((b) => ({ boroughId: b.id, day })))
  const serving = new Set(
    boroughs.map((b) => unitServing(teams, b.id, bcus.get(`${b.id}|${day}`) ?? null)?.id),
  )
  return teams.filter((t) => serving.has(t.id) || canSee(reach, { boroughId: t.boroughId, teamIds: [t.id] }))
}
