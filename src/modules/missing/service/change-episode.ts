import { reachOf } from '../../../platform/access/need-to-know.ts'
import type { Principal } from '../../../platform/auth/principal.ts'
import type { Executor, Transaction } from '../../../platform/db/database.ts'
import { ConflictError, type FieldError, ValidationError } from '../../../platform/http/errors.ts'
import { pacByRefOrId } from '../../referrals/service/links.ts'
import { episodeKind } from '../access.ts'
import { episodeTimeErrors } from '../grading.ts'
import {
  episodeRow,
  evaluate,
  inTransaction,
  logChange,
  type MissingDeps,
  noSuchEpisode,
} from './dependencies.ts'
import { camel, type Episode, toEpisode } from './records.ts'

/** What a change to an episode asks to write, and what is wrong with it. */
export type EpisodeChange =
  | Promise<{ patch: Record<string, unknown>; errors: FieldError[] }>
  | { patch: Record<string, unknown>; errors: FieldError[] }

/** Changes an episode read at `version`: the whole record is checked again with the change in it. */
export async function changeEpisode(
  q: Executor,
  deps: MissingDeps,
  id: string,
  version: number,
  principal: Principal,
  build: (episode: Episode, now: Date, trx: Transaction) => EpisodeChange,
  what: string,
): Promise<Episode> {
  const now = deps.clock.now()
  return inTransaction(q, async (trx) => {
    const row = await episodeRow(trx, id, true)
    const episode = row && toEpisode(row)
    episodeKind.mustSee(reachOf(principal), episode, noSuchEpisode)
    if (episode.version !== version) throw new ConflictError()
    const { patch, errors } = await build(episode, now, trx)
    const merged = { ...episode, ...camel(patch) }
    errors.push(...episodeTimeErrors(merged, now))
    if (errors.length) throw new ValidationError(errors)
    const written = await deps.history.updateRecord(
      trx,
      'missing_episode',
      id,
      version,
      { ...patch, updated_at: now },
      principal,
    )
    await logChange(trx, deps, principal, 'update', episodeKind.kind, id, { change: what })
    await evaluate(trx, deps, [...(row ? [row] : []), written])
    return toEpisode(written)
  })
}

/** Links the Merlin PAC raised for the child about this episode. */
export function linkPac(
  q: Executor,
  deps: MissingDeps,
  id: string,
  version: number,
  pacKey: string,
  principal: Principal,
) {
  return changeEpisode(
    q,
    deps,
    id,
    version,
    principal,
    async (e, now, trx) => {
      const pac = pacKey.trim() ? await pacByRefOrId(trx, pacKey) : undefined
      if (!pac)
        return {
          errors: [
            {
              field: 'pac',
              reason: pacKey.trim() ? `There is no PAC ${pacKey.trim()}` : 'Enter the PAC reference',
            },
          ],
          patch: {},
        }
      if (pac.personId !== e.personId)
        return { errors: [{ field: 'pac', reason: `PAC ${pac.ref} is about another person` }], patch: {} }
      // A PAC in Kestrel replaces another system's reference the episode was imported with.
      return { errors: [], patch: { pac_id: pac.id, pac_external_ref: null, pac_linked_at: now } }
    },
    'pac',
  )
}

/** Records that the person opening or working the episode read the child's live trigger plan (MIS-04). */
export function acknowledgePlan(
  q: Executor,
  deps: MissingDeps,
  id: string,
  version: number,
  principal: Principal,
) {
  return changeEpisode(
    q,
    deps,
    id,
    version,
    principal,
    (e, now) => ({
      errors: e.triggerPlanId
        ? []
        : [{ field: 'plan', reason: 'The child had no live trigger plan when reported' }],
      patch: { plan_acknowledged_at: now, plan_acknowledged_by: principal.displayName },
    }),
    'trigger plan acknowledged',
  )
}
