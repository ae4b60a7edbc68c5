import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely'
import { forceWideRoles, type Role } from '../../platform/access/roles.ts'
import type { Area } from '../../platform/auth/principal.ts'
import type { Clock } from '../../platform/clock.ts'
import type { Database } from '../../platform/db/database.ts'
import { type FieldChanges, type HistoryRow, recordMany } from '../../platform/db/history.ts'
import type { DB } from '../../platform/db/schema.ts'
import { ConflictError, type FieldError, NotFoundError, ValidationError } from '../../platform/http/errors.ts'
import { isUuid } from '../../platform/ids.ts'
import { isIsoDate, londonDate } from '../../platform/time.ts'
import {
  type Course,
  changedFields,
  type MembershipPeriod,
  planReorganisation,
  type StaffInput,
  type TeamInput,
  type TrainingInput,
  validateStaff,
  validateTeam,
  validateTraining,
} from './organisation.ts'

type Queryable = Kysely<DB> | Transaction<DB>

export interface Force {
  id: string
  code: string
  name: string
}
export interface Bcu {
  id: string
  code: string
  name: string
}
export interface Borough {
  id: string
  name: string
}
export interface Team {
  id: string
  forceId: string
  name: string
  kind: string
  boroughId: string | null
  bcuId: string | null
  capacity: number | null
  reviewCadenceDays: number | null
  active: boolean
  version: number
}
export interface StaffMember {
  id: string
  forceId: string
  staffNumber: string
  name: string
  rank: string
  role: string
  teamId: string | null
  startDate: string
  active: boolean
  version: number
}
export interface TrainingRecord {
  id: string
  staffId: string
  course: string
  completedOn: string
  version: number
}

export interface AreasAt {
  date: string
  bcus: (Bcu & { boroughs: Borough[] })[]
  /** Boroughs that were their own borough command (in no BCU) on the day. */
  boroughCommands: Borough[]
}

/** The history of a record: one row per version, what changed from what to what. */
async function recordChange(q: Queryable, entry: HistoryRow & { changes: FieldChanges }) {
  // Keyed by column name, as insertRecord and updateRecord record them.
  const changes = Object.fromEntries(
    Object.entries(entry.changes).map(([field, values]) => [
      field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
      values,
    ]),
  )
  await recordMany(q, [{ ...entry, changes }])
}

function created(record: object): Record<string, [unknown, unknown]> {
  const changes: Record<string, [unknown, unknown]> = {}
  for (const [key, value] of Object.entries(record)) {
    if (key !== 'id' && key !== 'version') changes[key] = [null, value ?? null]
  }
  return changes
}

const teamColumns = [
  'id',
  'force_id',
  'name',
  'kind',
  'borough_id',
  'bcu_id',
  'capacity',
  'review_cadence_days',
  'active',
  'version',
] as const
type TeamRow = {
  id: string
  force_id: string
  name: string
  kind: string
  borough_id: string | null
  bcu_id: string | null
  capacity: number | null
  review_cadence_days: number | null
  active: boolean
  version: number
}
const toTeam = (r: TeamRow): Team => ({
  id: r.id,
  forceId: r.force_id,
  name: r.name,
  kind: r.kind,
  boroughId: r.borough_id,
  bcuId: r.bcu_id,
  capacity: r.capacity,
  reviewCadenceDays: r.review_cadence_days,
  active: r.active,
  version: r.version,
})

const staffColumns = [
  'id',
  'force_id',
  'staff_number',
  'name',
  'rank',
  'role',
  'team_id',
  'start_date',
  'active',
  'version',
] as const
interface StaffRow {
  id: string
  force_id: string
  staff_number: string
  name: string
  rank: string
  role: string
  team_id: string | null
  start_date: string
  active: boolean
  version: number
}
const toStaff = (r: StaffRow): StaffMember => ({
  id: r.id,
  forceId: r.force_id,
  staffNumber: r.staff_number,
  name: r.name,
  rank: r.rank,
  role: r.role,
  teamId: r.team_id,
  startDate: calendarDay(r.start_date),
  active: r.active,
  version: r.version,
})

const toTraining = (r: {
  id: string
  staff_id: string
  course: string
  completed_on: string
  version: number
}): TrainingRecord => ({
  id: r.id,
  staffId: r.staff_id,
  course: r.course,
  completedOn: calendarDay(r.completed_on),
  version: r.version,
})

/**
 * A `date` column as 'YYYY-MM-DD'. PostgreSQL (pg) gives the string; the embedded database currently gives
 * a Date at UTC midnight, so both are read the same way here.
 */
export function calendarDay(value: string | Date): string {
  return value instanceof Date ? value.toISOString().slice(0, 10) : value
}

function fail(errors: FieldError[]): never {
  throw new ValidationError(errors)
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string })?.code === '23505'
}

/** Force, BCUs, boroughs and their memberships over time; teams, staff and their training. */
export function organisationService(db: Database, clock: Clock) {
  const today = () => londonDate(clock.now())

  async function periodsOf(q: Queryable, boroughId: string): Promise<MembershipPeriod[]> {
    const rows = await q
      .selectFrom('borough_bcu')
      .select(['id', 'bcu_id', 'effective_from', 'effective_to'])
      .where('borough_id', '=', boroughId)
      .orderBy('effective_from')
      .execute()
    return rows.map((r) => ({
      id: r.id,
      bcuId: r.bcu_id,
      effectiveFrom: calendarDay(r.effective_from),
      effectiveTo: r.effective_to === null ? null : calendarDay(r.effective_to),
    }))
  }

  async function bcuIdForBorough(q: Queryable, boroughId: string, day: string): Promise<string | null> {
    const row = await q
      .selectFrom('borough_bcu')
      .select('bcu_id')
      .where('borough_id', '=', boroughId)
      .where('effective_from', '<=', day)
      .where((eb) => eb.or([eb('effective_to', 'is', null), eb('effective_to', '>=', day)]))
      .executeTakeFirst()
    return row?.bcu_id ?? null
  }

  async function checkTeamReferences(q: Queryable, forceId: string, input: TeamInput) {
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

  async function checkStaffReferences(q: Queryable, forceId: string, input: StaffInput, selfId?: string) {
    const errors: FieldError[] = []
    if (input.teamId) {
      const found = isUuid(input.teamId)
        ? await q
            .selectFrom('team')
            .select('id')
            .where('id', '=', input.teamId)
            .where('force_id', '=', forceId)
            .executeTakeFirst()
        : undefined
      if (!found) errors.push({ field: 'teamId', reason: 'Select a team from the list' })
    }
    const clash = await q
      .selectFrom('staff')
      .select('id')
      .where('force_id', '=', forceId)
      .where('staff_number', '=', input.staffNumber.trim())
      .executeTakeFirst()
    if (clash && clash.id !== selfId)
      errors.push({ field: 'staffNumber', reason: 'Another member of staff already has this staff number' })
    return errors
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
  const staffValues = (input: StaffInput) => ({
    staff_number: input.staffNumber.trim(),
    name: input.name.trim(),
    rank: input.rank,
    role: input.role.trim(),
    team_id: input.teamId || null,
    start_date: input.startDate,
    active: input.active,
  })

  const service = {
    /**
     * For another module's query (a rule, a report), SQL not yet run: each team's kind and its own
     * supervisory review cadence in days (null where the team has none).
     */
    teamsSql(): RawBuilder<{ team_id: string; kind: string; review_cadence_days: number | null }> {
      return sql`(select t.id as team_id, t.kind, t.review_cadence_days from team t)`
    },

    /** For a rule that answers with one query, SQL not yet run: each course a member of staff completed. */
    trainingRecordsSql(): RawBuilder<{ staff_id: string; course: string; completed_on: string }> {
      return sql`(select r.staff_id, r.course, r.completed_on from training_record r)`
    },

    /** The force this installation serves (one database per force; see DESIGN.md "National"). */
    async force(): Promise<Force> {
      const row = await db
        .selectFrom('force')
        .select(['id', 'code', 'name'])
        .orderBy('code')
        .executeTakeFirst()
      if (!row) throw new Error('No force is set up: run the organisation seed')
      return row
    },

    async bcus(forceId: string): Promise<Bcu[]> {
      return db
        .selectFrom('bcu')
        .select(['id', 'code', 'name'])
        .where('force_id', '=', forceId)
        .orderBy('name')
        .execute()
    },

    async boroughs(forceId: string): Promise<Borough[]> {
      return db
        .selectFrom('borough')
        .select(['id', 'name'])
        .where('force_id', '=', forceId)
        .orderBy('name')
        .execute()
    },

    async borough(id: string): Promise<Borough | undefined> {
      if (!isUuid(id)) return undefined
      return db.selectFrom('borough').select(['id', 'name']).where('id', '=', id).executeTakeFirst()
    },

    /** Every membership a borough has had, oldest first, with the BCU's name. */
    async membershipsOf(boroughId: string) {
      if (!isUuid(boroughId)) return []
      const rows = await db
        .selectFrom('borough_bcu')
        .innerJoin('bcu', 'bcu.id', 'borough_bcu.bcu_id')
        .select([
          'borough_bcu.id',
          'bcu.id as bcuId',
          'bcu.code as bcuCode',
          'bcu.name as bcuName',
          'borough_bcu.effective_from as effectiveFrom',
          'borough_bcu.effective_to as effectiveTo',
        ])
        .where('borough_bcu.borough_id', '=', boroughId)
        .orderBy('borough_bcu.effective_from')
        .execute()
      return rows.map((r) => ({
        ...r,
        effectiveFrom: calendarDay(r.effectiveFrom),
        effectiveTo: r.effectiveTo === null ? null : calendarDay(r.effectiveTo),
      }))
    },

    /** The BCU a borough was in at an instant (its London calendar day), or null while it was its own command. */
    async bcuForBorough(boroughId: string, at: Date | string): Promise<Bcu | null> {
      if (!isUuid(boroughId)) return null
      const day = typeof at === 'string' ? at : londonDate(at)
      const bcuId = await bcuIdForBorough(db, boroughId, day)
      if (!bcuId) return null
      return (
        (await db
          .selectFrom('bcu')
          .select(['id', 'code', 'name'])
          .where('id', '=', bcuId)
          .executeTakeFirst()) ?? null
      )
    },

    /**
     * The BCU of each borough on each day ('YYYY-MM-DD'), in one query: as `bcuForBorough`, for many records
     * at once. Keyed `${boroughId}|${day}`; a borough with no BCU that day is absent.
     */
    async bcuIdsForBoroughs(
      asked: readonly { boroughId: string; day: string }[],
    ): Promise<Map<string, string>> {
      const pairs = [
        ...new Map(
          asked.filter((a) => isUuid(a.boroughId)).map((a) => [`${a.boroughId}|${a.day}`, a]),
        ).values(),
      ]
      if (pairs.length === 0) return new Map()
      const { rows } = await sql<{ borough_id: string; day: string; bcu_id: string }>`
        select distinct on (a.borough_id, a.day) a.borough_id::text as borough_id, a.day::text as day, bb.bcu_id
        from unnest(${pairs.map((p) => p.boroughId)}::uuid[], ${pairs.map((p) => p.day)}::date[]) as a(borough_id, day)
        join borough_bcu bb on bb.borough_id = a.borough_id and bb.effective_from <= a.day
          and (bb.effective_to is null or bb.effective_to >= a.day)`.execute(db)
      return new Map(rows.map((r) => [`${r.borough_id}|${r.day}`, r.bcu_id]))
    },

    /** The structure on a day: each BCU with its boroughs, and the boroughs still commanded on their own. */
    async areasAt(forceId: string, at: Date | string): Promise<AreasAt> {
      const day = typeof at === 'string' ? at : londonDate(at)
      if (!isIsoDate(day)) fail([{ field: 'date', reason: 'Enter a real date' }])
      const [bcus, rows] = await Promise.all([
        service.bcus(forceId),
        db
          .selectFrom('borough')
          .leftJoin('borough_bcu', (join) =>
            join
              .onRef('borough_bcu.borough_id', '=', 'borough.id')
              .on('borough_bcu.effective_from', '<=', day)
              .on((eb) =>
                eb.or([
                  eb('borough_bcu.effective_to', 'is', null),
                  eb('borough_bcu.effective_to', '>=', day),
                ]),
              ),
          )
          .select(['borough.id', 'borough.name', 'borough_bcu.bcu_id'])
          .where('borough.force_id', '=', forceId)
          .orderBy('borough.name')
          .execute(),
      ])
      return {
        date: day,
        bcus: bcus.map((bcu) => ({
          ...bcu,
          boroughs: rows.filter((r) => r.bcu_id === bcu.id).map((r) => ({ id: r.id, name: r.name })),
        })),
        boroughCommands: rows.filter((r) => r.bcu_id === null).map((r) => ({ id: r.id, name: r.name })),
      }
    },

    /**
     * Moves a borough into a BCU from a day: its latest membership ends the day before. The borough row is
     * locked so two moves of one borough are decided one after the other.
     */
    async reorganise(
      move: { boroughId: string; toBcuId: string; effectiveFrom: string },
      changedBy: string,
    ): Promise<void> {
      const errors: FieldError[] = []
      if (!isUuid(move.boroughId)) errors.push({ field: 'boroughId', reason: 'Select a borough' })
      if (!isUuid(move.toBcuId)) errors.push({ field: 'toBcuId', reason: 'Select the BCU it moves to' })
      if (!isIsoDate(move.effectiveFrom)) errors.push({ field: 'effectiveFrom', reason: 'Enter a real date' })
      if (errors.length) fail(errors)
      const now = clock.now()
      await db.transaction().execute(async (trx) => {
        const borough = await trx
          .selectFrom('borough')
          .select(['id', 'force_id'])
          .where('id', '=', move.boroughId)
          .forUpdate()
          .executeTakeFirst()
        if (!borough) fail([{ field: 'boroughId', reason: 'Select a borough from the list' }])
        const bcu = await trx
          .selectFrom('bcu')
          .select('id')
          .where('id', '=', move.toBcuId)
          .where('force_id', '=', borough.force_id)
          .executeTakeFirst()
        if (!bcu) fail([{ field: 'toBcuId', reason: 'Select a BCU from the list' }])
        const decision = planReorganisation(await periodsOf(trx, borough.id), {
          toBcuId: bcu.id,
          effectiveFrom: move.effectiveFrom,
        })
        if ('errors' in decision) fail(decision.errors)
        const { close, open } = decision.plan
        if (close) {
          const closed = await trx
            .updateTable('borough_bcu')
            .set((eb) => ({ effective_to: close.effectiveTo, version: eb('version', '+', 1) }))
            .where('id', '=', close.id)
            .returning('version')
            .executeTakeFirstOrThrow()
          await recordChange(trx, {
            table: 'borough_bcu',
            id: close.id,
            version: closed.version,
            action: 'update',
            changedBy,
            changedAt: now,
            changes: { effectiveTo: [null, close.effectiveTo] },
          })
        }
        const opened = await trx
          .insertInto('borough_bcu')
          .values({ borough_id: borough.id, bcu_id: open.bcuId, effective_from: open.effectiveFrom })
          .returning(['id', 'version'])
          .executeTakeFirstOrThrow()
        await recordChange(trx, {
          table: 'borough_bcu',
          id: opened.id,
          version: opened.version,
          action: 'create',
          changedBy,
          changedAt: now,
          changes: {
            boroughId: [null, borough.id],
            bcuId: [null, open.bcuId],
            effectiveFrom: [null, open.effectiveFrom],
          },
        })
      })
    },

    // ---- teams ----

    async teams(forceId: string, filter: { activeOnly?: boolean } = {}): Promise<Team[]> {
      let query = db.selectFrom('team').select(teamColumns).where('force_id', '=', forceId)
      if (filter.activeOnly) query = query.where('active', '=', true)
      return (await query.orderBy('name').execute()).map(toTeam)
    },

    async team(id: string): Promise<Team | undefined> {
      if (!isUuid(id)) return undefined
      const row = await db.selectFrom('team').select(teamColumns).where('id', '=', id).executeTakeFirst()
      return row ? toTeam(row) : undefined
    },

    async createTeam(forceId: string, input: TeamInput, changedBy: string): Promise<Team> {
      const errors = validateTeam(input)
      return db.transaction().execute(async (trx) => {
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
    },

    /** Changes a team if nobody else has since `version`; a stale version is a ConflictError. */
    async updateTeam(id: string, version: number, input: TeamInput, changedBy: string): Promise<Team> {
      const errors = validateTeam(input)
      return db.transaction().execute(async (trx) => {
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
        return team
      })
    },

    // ---- staff ----

    async staffList(forceId: string, filter: { teamId?: string | null; activeOnly?: boolean } = {}) {
      let query = db
        .selectFrom('staff')
        .leftJoin('team', 'team.id', 'staff.team_id')
        .select(staffColumns.map((c) => `staff.${c}` as const))
        .select('team.name as team_name')
        .where('staff.force_id', '=', forceId)
      if (filter.teamId)
        query = query.where('staff.team_id', '=', isUuid(filter.teamId) ? filter.teamId : null)
      if (filter.activeOnly) query = query.where('staff.active', '=', true)
      const rows = await query.orderBy('staff.name').orderBy('staff.staff_number').execute()
      return rows.map((r) => ({ ...toStaff(r), teamName: r.team_name }))
    },

    /** Staff members by id, in one query: for writing many records at once (an import batch). */
    async staffMembers(
      ids: readonly string[],
    ): Promise<Map<string, StaffMember & { teamName: string | null }>> {
      const wanted = [...new Set(ids.filter(isUuid))]
      if (wanted.length === 0) return new Map()
      const rows = await db
        .selectFrom('staff')
        .leftJoin('team', 'team.id', 'staff.team_id')
        .select(staffColumns.map((c) => `staff.${c}` as const))
        .select('team.name as team_name')
        .where('staff.id', 'in', wanted)
        .execute()
      return new Map(rows.map((r) => [r.id, { ...toStaff(r), teamName: r.team_name }]))
    },

    async staffMember(id: string) {
      if (!isUuid(id)) return undefined
      const row = await db
        .selectFrom('staff')
        .leftJoin('team', 'team.id', 'staff.team_id')
        .select(staffColumns.map((c) => `staff.${c}` as const))
        .select('team.name as team_name')
        .where('staff.id', '=', id)
        .executeTakeFirst()
      return row ? { ...toStaff(row), teamName: row.team_name } : undefined
    },

    async createStaff(forceId: string, input: StaffInput, changedBy: string): Promise<StaffMember> {
      const errors = validateStaff(input, today())
      try {
        return await db.transaction().execute(async (trx) => {
          errors.push(...(await checkStaffReferences(trx, forceId, input)))
          if (errors.length) fail(errors)
          const row = await trx
            .insertInto('staff')
            .values({ force_id: forceId, ...staffValues(input) })
            .returning(staffColumns)
            .executeTakeFirstOrThrow()
          const staff = toStaff(row)
          await recordChange(trx, {
            table: 'staff',
            id: staff.id,
            version: staff.version,
            action: 'create',
            changedBy,
            changedAt: clock.now(),
            changes: created(staff),
          })
          return staff
        })
      } catch (error) {
        // Two admins adding the same staff number at once: the second loses at the unique constraint.
        if (isUniqueViolation(error))
          fail([{ field: 'staffNumber', reason: 'Another member of staff already has this staff number' }])
        throw error
      }
    },

    async updateStaff(
      id: string,
      version: number,
      input: StaffInput,
      changedBy: string,
    ): Promise<StaffMember> {
      const errors = validateStaff(input, today())
      try {
        return await db.transaction().execute(async (trx) => {
          const before = isUuid(id)
            ? await trx.selectFrom('staff').select(staffColumns).where('id', '=', id).executeTakeFirst()
            : undefined
          if (!before) throw new NotFoundError('There is no such member of staff')
          errors.push(...(await checkStaffReferences(trx, before.force_id, input, id)))
          if (errors.length) fail(errors)
          const row = await trx
            .updateTable('staff')
            .set((eb) => ({ ...staffValues(input), version: eb('version', '+', 1) }))
            .where('id', '=', id)
            .where('version', '=', version)
            .returning(staffColumns)
            .executeTakeFirst()
          if (!row) throw new ConflictError()
          const staff = toStaff(row)
          await recordChange(trx, {
            table: 'staff',
            id,
            version: staff.version,
            action: 'update',
            changedBy,
            changedAt: clock.now(),
            changes: changedFields(toStaff(before), { ...staff, version: undefined }),
          })
          return staff
        })
      } catch (error) {
        if (isUniqueViolation(error))
          fail([{ field: 'staffNumber', reason: 'Another member of staff already has this staff number' }])
        throw error
      }
    },

    // ---- training ----

    async trainingFor(staffId: string): Promise<TrainingRecord[]> {
      if (!isUuid(staffId)) return []
      const rows = await db
        .selectFrom('training_record')
        .select(['id', 'staff_id', 'course', 'completed_on', 'version'])
        .where('staff_id', '=', staffId)
        .orderBy('completed_on', 'desc')
        .execute()
      return rows.map(toTraining)
    },

    async addTraining(staffId: string, input: TrainingInput, changedBy: string): Promise<TrainingRecord> {
      const errors = validateTraining(input, today())
      return db.transaction().execute(async (trx) => {
        const staff = isUuid(staffId)
          ? await trx.selectFrom('staff').select('id').where('id', '=', staffId).executeTakeFirst()
          : undefined
        if (!staff) throw new NotFoundError('There is no such member of staff')
        if (errors.length) fail(errors)
        const row = await trx
          .insertInto('training_record')
          .values({ staff_id: staffId, course: input.course, completed_on: input.completedOn })
          .returning(['id', 'staff_id', 'course', 'completed_on', 'version'])
          .executeTakeFirstOrThrow()
        const record = toTraining(row)
        await recordChange(trx, {
          table: 'training_record',
          id: record.id,
          version: record.version,
          action: 'create',
          changedBy,
          changedAt: clock.now(),
          changes: created(record),
        })
        return record
      })
    },

    async updateTraining(
      id: string,
      version: number,
      input: TrainingInput,
      changedBy: string,
    ): Promise<TrainingRecord> {
      const errors = validateTraining(input, today())
      if (errors.length) fail(errors)
      return db.transaction().execute(async (trx) => {
        const before = isUuid(id)
          ? await trx
              .selectFrom('training_record')
              .select(['id', 'staff_id', 'course', 'completed_on', 'version'])
              .where('id', '=', id)
              .executeTakeFirst()
          : undefined
        if (!before) throw new NotFoundError('There is no such training record')
        const row = await trx
          .updateTable('training_record')
          .set((eb) => ({
            course: input.course,
            completed_on: input.completedOn,
            version: eb('version', '+', 1),
          }))
          .where('id', '=', id)
          .where('version', '=', version)
          .returning(['id', 'staff_id', 'course', 'completed_on', 'version'])
          .executeTakeFirst()
        if (!row) throw new ConflictError()
        const record = toTraining(row)
        await recordChange(trx, {
          table: 'training_record',
          id,
          version: record.version,
          action: 'update',
          changedBy,
          changedAt: clock.now(),
          changes: changedFields(toTraining(before), { ...record, version: undefined }),
        })
        return record
      })
    },

    /** A team's active staff, each with the courses they have completed (for allocation by skills). */
    async staffWithTraining(teamId: string) {
      if (!isUuid(teamId)) return []
      const [staff, training] = await Promise.all([
        db
          .selectFrom('staff')
          .select(staffColumns)
          .where('team_id', '=', teamId)
          .where('active', '=', true)
          .orderBy('name')
          .execute(),
        db
          .selectFrom('training_record')
          .innerJoin('staff', 'staff.id', 'training_record.staff_id')
          .select(['training_record.staff_id', 'training_record.course', 'training_record.completed_on'])
          .where('staff.team_id', '=', teamId)
          .where('staff.active', '=', true)
          .orderBy('training_record.completed_on')
          .execute(),
      ])
      return staff.map((s) => ({
        ...toStaff(s),
        training: training
          .filter((t) => t.staff_id === s.id)
          .map((t) => ({ course: t.course, completedOn: calendarDay(t.completed_on) })),
      }))
    },

    /** Whether a person had completed a course by a day (today if not given). */
    async hasCourse(staffId: string, course: Course, at?: Date | string): Promise<boolean> {
      if (!isUuid(staffId)) return false
      const day = at === undefined ? today() : typeof at === 'string' ? at : londonDate(at)
      const row = await db
        .selectFrom('training_record')
        .select('id')
        .where('staff_id', '=', staffId)
        .where('course', '=', course)
        .where('completed_on', '<=', day)
        .executeTakeFirst()
      return row !== undefined
    },

    /**
     * Where a user's work lies: force-wide roles see the force; everyone else their team's BCU (a borough
     * team's BCU is the one its borough is in today, so a reorganisation moves them with it).
     */
    async resolveArea(staffId: string | null, roles: readonly Role[]): Promise<Area> {
      if (roles.some((r) => forceWideRoles.has(r))) return { forceWide: true }
      const none: Area = { forceWide: false, bcuId: null, boroughId: null, boroughIds: [], teamIds: [] }
      if (!staffId || !isUuid(staffId)) return none
      const team = await db
        .selectFrom('staff')
        .innerJoin('team', 'team.id', 'staff.team_id')
        .select(['team.id', 'team.borough_id', 'team.bcu_id'])
        .where('staff.id', '=', staffId)
        .where('staff.active', '=', true)
        .executeTakeFirst()
      if (!team) return none
      const day = today()
      const bcuId = team.borough_id ? await bcuIdForBorough(db, team.borough_id, day) : team.bcu_id
      const boroughIds = bcuId
        ? (
            await db
              .selectFrom('borough_bcu')
              .select('borough_id')
              .where('bcu_id', '=', bcuId)
              .where('effective_from', '<=', day)
              .where((eb) => eb.or([eb('effective_to', 'is', null), eb('effective_to', '>=', day)]))
              .execute()
          ).map((r) => r.borough_id)
        : team.borough_id
          ? [team.borough_id]
          : []
      return { forceWide: false, bcuId, boroughId: team.borough_id, boroughIds, teamIds: [team.id] }
    },
  }
  return service
}

export type OrganisationService = ReturnType<typeof organisationService>
