import { type RawBuilder, sql } from 'kysely'
import type { Clock } from '../../../platform/clock.ts'
import { type Executor, inTransaction } from '../../../platform/db/database.ts'
import { ConflictError, type FieldError, NotFoundError } from '../../../platform/http/errors.ts'
import { isUuid } from '../../../platform/ids.ts'
import { changedFields, type TeamInput, validateTeam } from '../organisation.ts'
import {
  created,
  fail,
  type OrganisationChanged,
  recordChange,
  type Team,
  teamColumns,
  toTeam,
} from './records.ts'

/**
 * For another module's query (a rule, a report), SQL not yet run: each team's kind and its own
 * supervisory review cadence in days (null where the team has none).
 */
export function teamsSql(): RawBuilder<{
  team_id: string
  kind: string
  review_cadence_days: number | null
}> {
  return sql`(select t.id as team_id, t.kind, t.review_cadence_days from team t)`
}

export async function teams(
  q: Executor,
  forceId: string,
  filter: { activeOnly?: boolean } = {},
): Promise<Team[]> {
  let query = q.selectFrom('team').select(teamColumns).where('force_id', '=', forceId)
  if (filter.activeOnly) query = query.where('active', '=', true)
  return (await query.orderBy('name').execute()).map(toTeam)
}

export async function team(q: Executor, id: string): Promise<Team | undefined> {
  if (!isUuid(id)) return undefined
  const row = await q.selectFrom('team').select(teamColumns).where('id', '=', id).executeTakeFirst()
  return row ? toTeam(row) : undefined
}

async function checkTeamReferences(q: Executor, forceId: string, input: TeamInput) {
  const errors: FieldError[] = []
  if (input.boroughId) {
    const found = isUuid(input.boroughId)
      ? await q
          .selectFrom('borough')
          .select('id')
          .where('id', '=', input.boroughId)
          .where('force_id', '=', forceId)
          .executeTakeFirst()
      : undefined
    if (!found) errors.push({ field: 'boroughId', reason: 'Select a borough from the list' })
  }
  if (input.bcuId) {
    const found = isUuid(input.bcuId)
      ? await q
          .selectFrom('bcu')
          .select('id')
          .where('id', '=', input.bcuId)
          .where('force_id', '=', forceId)
          .executeTakeFirst()
      : undefined
    if (!found) errors.push({ field: 'bcuId', reason: 'Select a BCU from the list' })
  }
  const clash = await q
    .selectFrom('team')
    .select('id')
    .where('force_id', '=', forceId)
    .where('name', '=', input.name.trim())
    .executeTakeFirst()
  return { errors, nameTakenBy: clash?.id }
}

const teamValues = (input: TeamInput) => ({
  name: input.name.trim(),
  kind: input.kind,
  borough_id: input.boroughId || null,
  bcu_id: input.bcuId || null,
  capacity: input.capacity,
  review_cadence_days: input.reviewCadenceDays,
  active: input.active,
})

export async function createTeam(
  q: Executor,
  clock: Clock,
  forceId: string,
  input: TeamInput,
  changedBy: string,
): Promise<Team> {
  const errors = validateTeam(input)
  return inTransaction(q, async (trx) => {
    const refs = await checkTeamReferences(trx, forceId, input)
    errors.push(...refs.errors)
    if (refs.nameTakenBy) errors.push({ field: 'name', reason: 'A team with this name already exists' })
    if (errors.length) fail(errors)
    const row = await trx
      .insertInto('team')
      .values({ force_id: forceId, ...teamValues(input) })
      .returning(teamColumns)
      .executeTakeFirstOrThrow()
    const team = toTeam(row)
    await recordChange(trx, {
      table: 'team',
      id: team.id,
      version: team.version,
      action: 'create',
      changedBy,
      changedAt: clock.now(),
      changes: created(team),
    })
    return team
  })
}

/** Changes a team if nobody else has since `version`; a stale version is a ConflictError. */
export async function updateTeam(
  q: Executor,
  clock: Clock,
  id: string,
  version: number,
  input: TeamInput,
  changedBy: string,
  changed?: OrganisationChanged,
): Promise<Team> {
  const errors = validateTeam(input)
  return inTransaction(q, async (trx) => {
    const before = isUuid(id)
      ? await trx.selectFrom('team').select(teamColumns).where('id', '=', id).executeTakeFirst()
      : undefined
    if (!before) throw new NotFoundError('There is no such team')
    const refs = await checkTeamReferences(trx, before.force_id, input)
    errors.push(...refs.errors)
    if (refs.nameTakenBy && refs.nameTakenBy !== id)
      errors.push({ field: 'name', reason: 'A team with this name already exists' })
    if (errors.length) fail(errors)
    const row = await trx
      .updateTable('team')
      .set((eb) => ({ ...teamValues(input), version: eb('version', '+', 1) }))
      .where('id', '=', id)
      .where('version', '=', version)
      .returning(teamColumns)
      .executeTakeFirst()
    if (!row) throw new ConflictError()
    const team = toTeam(row)
    await recordChange(trx, {
      table: 'team',
      id,
      version: team.version,
      action: 'update',
      changedBy,
      changedAt: clock.now(),
      changes: changedFields(toTeam(before), { ...team, version: undefined }),
    })
    await changed?.(trx, 'team', [id])
    return team
  })
}
