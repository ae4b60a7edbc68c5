import { type RawBuilder, type Selectable, sql } from 'kysely'
import type { AccessLogService, Actor } from '../../platform/access/access-log.ts'
import type { Reach } from '../../platform/access/need-to-know.ts'
import type { Clock } from '../../platform/clock.ts'
import type { Database, Executor, Transaction } from '../../platform/db/database.ts'
import type { HistoryService } from '../../platform/db/history.ts'
import type { DB } from '../../platform/db/schema.ts'
import {
  ConflictError,
  type FieldError,
  ForbiddenError,
  HttpError,
  NotFoundError,
  ValidationError,
} from '../../platform/http/errors.ts'
import { type Editor, editRefusal, mayEdit } from './access.ts'
import { boroughsOf } from './boroughs.ts'
import { holdingOf } from './holding.ts'
import {
  addDays,
  ageAt,
  asDay,
  asDayOrNull,
  displayName,
  type FlagInput,
  type FlagKind,
  flagLabels,
  flagsAsOf,
  type HouseholdRole,
  householdRoles,
  type IsoDate,
  isChildAt,
  isIsoDate,
  londonDay,
  type PersonInput,
  type RelationshipKind,
  relationshipKinds,
  searchTokens,
  validateFlag,
  validatePeriod,
  validatePerson,
} from './person.ts'
import { dayInstant, type TimelineItem, type TimelineProvider, timelineRegistry } from './timeline.ts'

/** Who is searching, for the access log. */
export interface SearchViewer {
  actor: Actor
  requestId?: string | null
  /** What was asked, as the access log names it ('GET /people?q=smith'); the search words when absent. */
  query?: string
}

/**
 * Who changes the index: a principal (a person or an API client), whose area is checked against the
 * person's (`mayEdit`), or an operator acting for the force (command line, import, seed) with no roles.
 */
export type Changer = Actor | (Actor & Editor)

function isEditor(changer: Changer): changer is Actor & Editor {
  return 'roles' in changer && 'area' in changer
}

export interface Person {
  id: string
  ref: string
  familyName: string
  givenNames: string
  dateOfBirth: IsoDate | null
  estimatedAgeYears: number | null
  estimatedAgeOn: IsoDate | null
  gender: string
  ethnicity: string
  mergedInto: string | null
  createdAt: Date
  updatedAt: Date
  version: number
}

export interface PersonAddress {
  id: string
  personId: string
  address: string
  postcode: string | null
  boroughId: string | null
  boroughName: string | null
  fromDate: IsoDate
  toDate: IsoDate | null
  version: number
}

export interface PersonFlag {
  id: string
  personId: string
  flag: FlagKind
  detail: string | null
  fromDate: IsoDate
  toDate: IsoDate | null
  version: number
}

export interface Membership {
  id: string
  householdId: string
  householdRef: string
  personId: string
  role: HouseholdRole
  fromDate: IsoDate
  toDate: IsoDate | null
  version: number
}

export interface Relationship {
  id: string
  /** The other person, seen from the person whose relationships were asked for. */
  other: Person
  kind: RelationshipKind
  /** How the relationship reads from the asking person: "parent of", "child of", "sibling of"... */
  reading: string
  fromDate: IsoDate | null
  toDate: IsoDate | null
  version: number
}

/**
 * Why another child is linked to a child on a day (REF-06): they live in the same household, or an adult
 * related to the child (parent, carer or associate) is also the other child's parent, carer or associate,
 * or lives in the other child's household.
 */
export type ChildLink =
  | { via: 'household'; householdRef: string }
  | {
      via: 'adult'
      adult: { id: string; ref: string; name: string }
      /** The adult's relationship to the asked child. */
      toChild: 'parent' | 'carer' | 'associate'
      /** The adult's relationship to the other child, or 'household' when they live together. */
      toOther: 'parent' | 'carer' | 'associate' | 'household'
    }

export interface LinkedChild {
  person: Person
  links: ChildLink[]
}

/**
 * One link of `linkedChildrenOn` as a row of the relation `linkedChildrenSql` builds: the asked (person,
 * day), the other child, and one reason, numbered in the order linkedChildrenOn lists a child's links.
 */
export interface LinkedChildLinkRow {
  subject_id: string
  day: string
  child_id: string
  child_ref: string
  /** As `displayName` writes it. */
  child_name: string
  via: 'household' | 'adult'
  household_ref: string | null
  adult_id: string | null
  adult_ref: string | null
  adult_name: string | null
  to_child: 'parent' | 'carer' | 'associate' | null
  to_other: 'parent' | 'carer' | 'associate' | 'household' | null
  /** 1, 2, ... within (subject_id, day, child_id). */
  link_order: number
}

/** `ageOn` in SQL: whole years from a date to a day, a 29 February birthday counting from 1 March. */
function ageOnSql(from: RawBuilder<unknown>, day: RawBuilder<unknown>) {
  return sql<number>`(extract(year from ${day}) - extract(year from ${from})
    - case when (extract(month from ${day}), extract(day from ${day}))
        < (extract(month from ${from}), extract(day from ${from})) then 1 else 0 end)`
}

/** `isChildAt` in SQL for the person row `alias` on `day` (a date): unknown age is no child. */
function isChildAtSql(alias: string, day: RawBuilder<unknown>) {
  const col = (name: string) => sql.ref(`${alias}.${name}`)
  return sql<boolean>`(case
    when ${col('date_of_birth')} is not null
      then ${day} >= ${col('date_of_birth')} and ${ageOnSql(col('date_of_birth'), day)} < 18
    when ${col('estimated_age_years')} is not null and ${col('estimated_age_on')} is not null
      then ${col('estimated_age_years')} + ${ageOnSql(col('estimated_age_on'), day)} < 18
    else false end)`
}

/**
 * `displayName` in SQL. upper() follows the database's ctype: the same as JavaScript's toUpperCase for
 * plain letters, but not for special casings such as ß.
 */
function displayNameSql(alias: string) {
  const family = sql.ref(`${alias}.family_name`)
  const given = sql.ref(`${alias}.given_names`)
  return sql<string>`(case when ${given} <> '' then upper(${family}) || ', ' || ${given} else upper(${family}) end)`
}

export interface AddressInput {
  address: string
  postcode: string | null
  boroughId: string | null
  fromDate: IsoDate
  toDate: IsoDate | null
}

export interface NewPerson extends PersonInput {
  ref?: string | undefined
  address?: AddressInput | null | undefined
}

export type PersonPatch = Partial<PersonInput>

/** A create that looks like someone Kestrel already holds: the form asks the user to confirm. */
export class PossibleDuplicateError extends HttpError {
  constructor(readonly candidates: Person[]) {
    super(
      409,
      `This person may already be recorded (${candidates.map((c) => c.ref).join(', ')}). ` +
        'Check them, then confirm this is a different person to create a new record.',
    )
  }
}

export interface MergeEvent {
  survivorId: string
  mergedId: string
}
/** Runs in the merge's transaction: a module moves whatever of its records points at the merged person. */
export type MergeHook = (trx: Transaction, event: MergeEvent) => Promise<void>

type PersonRow = Selectable<DB['person']>

export function toPerson(row: PersonRow): Person {
  return {
    id: row.id,
    ref: row.ref,
    familyName: row.family_name,
    givenNames: row.given_names,
    dateOfBirth: asDayOrNull(row.date_of_birth),
    estimatedAgeYears: row.estimated_age_years,
    estimatedAgeOn: asDayOrNull(row.estimated_age_on),
    gender: row.gender,
    ethnicity: row.ethnicity,
    mergedInto: row.merged_into,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  }
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
export const isUuid = (value: string) => uuidPattern.test(value)

function fail(errors: FieldError[]): never {
  throw new ValidationError(errors)
}

/** Columns a person's patch may set, as the table names them. */
function personColumns(input: PersonPatch, today: IsoDate) {
  const values: Record<string, unknown> = {}
  if (input.familyName !== undefined) values.family_name = input.familyName.trim()
  if (input.givenNames !== undefined) values.given_names = input.givenNames.trim().replace(/\s+/g, ' ')
  if (input.dateOfBirth !== undefined) values.date_of_birth = input.dateOfBirth
  if (input.estimatedAgeYears !== undefined) {
    values.estimated_age_years = input.estimatedAgeYears
    values.estimated_age_on = input.estimatedAgeYears === null ? null : today
  }
  if (input.gender !== undefined) values.gender = input.gender
  if (input.ethnicity !== undefined) values.ethnicity = input.ethnicity
  return values
}

export interface ChildrenDependencies {
  history: HistoryService
  accessLog: AccessLogService
}

/**
 * How other children are reached from an asked (subject_id, day) on that day: through a household, or
 * through an adult who is a parent, carer or associate of both (or lives with the other child). CTEs that
 * follow an `asked` CTE; `linkedChildrenOn` and `linkedChildrenSql` both read `reached`. Not materialised,
 * so the join conditions reach each branch and the person_a/person_b indexes serve them instead of a scan of
 * every relationship for each batch.
 */
const childLinkTraversal = sql`
  rel as not materialized (
    select person_a as adult_id, person_b as other_id, kind, from_date, to_date from relationship
    where kind in ('parent', 'carer', 'associate')
    union all
    select person_b, person_a, kind, from_date, to_date from relationship where kind = 'associate'
  ),
  adults as (
    select distinct a.subject_id, a.day, r.adult_id, r.kind as to_child
    from asked a join rel r on r.other_id = a.subject_id
      and (r.from_date is null or r.from_date <= a.day) and (r.to_date is null or r.to_date >= a.day)
  ),
  reached as (
    select a.subject_id, a.day, 'household' as via, h.ref as household_ref, null as to_child,
      null as to_other, null::uuid as adult_id, m2.person_id as other_id
    from asked a
    join household_membership m1 on m1.person_id = a.subject_id
      and m1.from_date <= a.day and (m1.to_date is null or m1.to_date >= a.day)
    join household h on h.id = m1.household_id
    join household_membership m2 on m2.household_id = m1.household_id
      and m2.from_date <= a.day and (m2.to_date is null or m2.to_date >= a.day)
    union all
    select ad.subject_id, ad.day, 'adult', null, ad.to_child, r.kind, ad.adult_id, r.other_id
    from adults ad join rel r on r.adult_id = ad.adult_id
      and (r.from_date is null or r.from_date <= ad.day) and (r.to_date is null or r.to_date >= ad.day)
    union all
    select ad.subject_id, ad.day, 'adult', null, ad.to_child, 'household', ad.adult_id, m2.person_id
    from adults ad
    join household_membership m1 on m1.person_id = ad.adult_id
      and m1.from_date <= ad.day and (m1.to_date is null or m1.to_date >= ad.day)
    join household_membership m2 on m2.household_id = m1.household_id
      and m2.from_date <= ad.day and (m2.to_date is null or m2.to_date >= ad.day)
  )`

/**
 * The person index: children and the adults around them. Other modules point at a person by id and reach
 * them through these functions; they register timeline providers and merge hooks here.
 */
export function childrenService(db: Database, clock: Clock, deps: ChildrenDependencies) {
  const { history, accessLog } = deps
  const today = () => londonDay(clock.now())
  const timelines = timelineRegistry()
  const mergeHooks: MergeHook[] = []

  async function personById(q: Executor, id: string): Promise<Person | undefined> {
    if (!isUuid(id)) return undefined
    const row = await q.selectFrom('person').selectAll().where('id', '=', id).executeTakeFirst()
    return row ? toPerson(row) : undefined
  }

  /** A merged record answers with its survivor; merges always point at a record that is not merged. */
  async function resolve(q: Executor, person: Person | undefined): Promise<Person | undefined> {
    let current = person
    for (let hop = 0; current?.mergedInto && hop < 10; hop++)
      current = await personById(q, current.mergedInto)
    return current
  }

  async function mustGet(q: Executor, id: string): Promise<Person> {
    const person = await personById(q, id)
    if (!person) throw new NotFoundError('There is no person with this id')
    return person
  }

  /**
   * Refuses (403) a change by a principal whose area does not hold the person. Read on the write's own
   * executor, so the check and the change see the same addresses. The person is known force-wide, so
   * the refusal does not hide that they exist.
   */
  async function mustMayEdit(q: Executor, changer: Changer, personId: string): Promise<void> {
    if (!isEditor(changer)) return
    if (!mayEdit(changer, await holdingOf(q, personId, today()))) throw new ForbiddenError(editRefusal)
  }

  async function checkBorough(q: Executor, boroughId: string | null): Promise<FieldError[]> {
    if (!boroughId) return []
    const boroughs = await boroughsOf(q, clock)
    return boroughs.some((b) => b.id === boroughId)
      ? []
      : [{ field: 'boroughId', reason: 'Select a borough from the list' }]
  }

  function validateAddress(input: Partial<AddressInput>): FieldError[] {
    const errors: FieldError[] = []
    if (!input.address?.trim()) errors.push({ field: 'address', reason: 'Enter the address' })
    else if (input.address.length > 500)
      errors.push({ field: 'address', reason: 'Address must be 500 characters or fewer' })
    if (input.postcode && !/^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$/i.test(input.postcode.trim()))
      errors.push({ field: 'postcode', reason: 'Enter a real postcode, like SW1A 2AA' })
    errors.push(...validatePeriod(input, today()))
    return errors
  }

  async function possibleDuplicates(q: Executor, input: PersonInput, excludeId?: string): Promise<Person[]> {
    const family = input.familyName.trim()
    const given = input.givenNames.trim()
    const firstGiven = given.split(/\s+/)[0] ?? ''
    // Same or sound-alike family name, and either the same date of birth or a similar given name.
    const { rows } = await sql<PersonRow>`
      select p.* from person p
      where p.merged_into is null
        and (${excludeId ?? null}::uuid is null or p.id <> ${excludeId ?? null}::uuid)
        and (p.family_name ilike ${family} or p.family_name % ${family}
             or dmetaphone(p.family_name) = dmetaphone(${family}))
        and ((${input.dateOfBirth}::date is not null and p.date_of_birth = ${input.dateOfBirth}::date)
             or (${firstGiven} <> '' and (dmetaphone(split_part(p.given_names, ' ', 1)) = dmetaphone(${firstGiven})
                 or similarity(p.given_names, ${given}) >= 0.5)))
      order by similarity(p.family_name, ${family}) desc, p.family_name, p.given_names
      limit 20`.execute(q)
    return rows.map(toPerson)
  }

  async function insertAddress(trx: Transaction, personId: string, input: AddressInput, actor: Actor) {
    // A new current address ends the one before it the day before it starts.
    const open = await trx
      .selectFrom('person_address')
      .select(['id', 'version', 'from_date'])
      .where('person_id', '=', personId)
      .where('to_date', 'is', null)
      .where('from_date', '<', input.fromDate)
      .execute()
    if (input.toDate === null) {
      for (const row of open) {
        await history.updateRecord(
          trx,
          'person_address',
          row.id,
          row.version,
          { to_date: addDays(input.fromDate, -1) },
          actor,
        )
      }
    }
    return history.insertRecord(
      trx,
      'person_address',
      {
        person_id: personId,
        address: input.address.trim(),
        postcode: input.postcode?.trim().toUpperCase() || null,
        borough_id: input.boroughId,
        from_date: input.fromDate,
        to_date: input.toDate,
        created_at: clock.now(),
      },
      actor,
    )
  }

  async function addresses(personId: string, q: Executor = db): Promise<PersonAddress[]> {
    const rows = await q
      .selectFrom('person_address')
      .selectAll()
      .where('person_id', '=', personId)
      .orderBy('from_date', 'desc')
      .execute()
    const boroughs = new Map((await boroughsOf(q, clock)).map((b) => [b.id, b.name]))
    return rows.map((r) => ({
      id: r.id,
      personId: r.person_id,
      address: r.address,
      postcode: r.postcode,
      boroughId: r.borough_id,
      boroughName: r.borough_id ? (boroughs.get(r.borough_id) ?? null) : null,
      fromDate: asDay(r.from_date),
      toDate: asDayOrNull(r.to_date),
      version: r.version,
    }))
  }

  async function flags(personId: string, q: Executor = db): Promise<PersonFlag[]> {
    const rows = await q
      .selectFrom('person_flag')
      .selectAll()
      .where('person_id', '=', personId)
      .orderBy('from_date', 'desc')
      .execute()
    return rows.map((r) => ({
      id: r.id,
      personId: r.person_id,
      flag: r.flag as FlagKind,
      detail: r.detail,
      fromDate: asDay(r.from_date),
      toDate: asDayOrNull(r.to_date),
      version: r.version,
    }))
  }

  async function memberships(personId: string, q: Executor = db): Promise<Membership[]> {
    const rows = await q
      .selectFrom('household_membership as m')
      .innerJoin('household as h', 'h.id', 'm.household_id')
      .selectAll('m')
      .select('h.ref as household_ref')
      .where('m.person_id', '=', personId)
      .orderBy('m.from_date', 'desc')
      .execute()
    return rows.map(toMembership)
  }

  function toMembership(r: Selectable<DB['household_membership']> & { household_ref: string }): Membership {
    return {
      id: r.id,
      householdId: r.household_id,
      householdRef: r.household_ref,
      personId: r.person_id,
      role: r.role as HouseholdRole,
      fromDate: asDay(r.from_date),
      toDate: asDayOrNull(r.to_date),
      version: r.version,
    }
  }

  /** Who was in the same household as each person on a day, for many people in one query. */
  async function householdMembersOn(personIds: readonly string[], day: IsoDate, q: Executor = db) {
    if (personIds.length === 0) return []
    const { rows } = await sql<
      PersonRow & {
        subject_id: string
        household_id: string
        household_ref: string
        role: string
        member_from: string
        member_to: string | null
      }
    >`
      select m1.person_id as subject_id, h.id as household_id, h.ref as household_ref, m2.role,
             m2.from_date as member_from, m2.to_date as member_to, p.*
      from household_membership m1
      join household h on h.id = m1.household_id
      join household_membership m2 on m2.household_id = m1.household_id
      join person p on p.id = m2.person_id and p.merged_into is null
      where m1.person_id = any(${[...personIds]}::uuid[])
        and m1.from_date <= ${day}::date and (m1.to_date is null or m1.to_date >= ${day}::date)
        and m2.from_date <= ${day}::date and (m2.to_date is null or m2.to_date >= ${day}::date)
      order by h.ref, p.date_of_birth nulls last, p.family_name`.execute(q)
    return rows
  }

  /** The person index's own chronology: flags, addresses and households starting and ending. */
  async function ownTimeline(personId: string): Promise<TimelineItem[]> {
    const items: TimelineItem[] = []
    const href = `/people/${personId}`
    for (const flag of await flags(personId)) {
      const label = flagLabels[flag.flag]
      const detail = flag.detail ?? undefined
      items.push({
        at: dayInstant(flag.fromDate),
        kind: 'flag',
        title: `Flag started: ${label}`,
        ...(detail ? { detail } : {}),
        href: `${href}#flags`,
      })
      if (flag.toDate)
        items.push({
          at: dayInstant(flag.toDate),
          kind: 'flag',
          title: `Flag ended: ${label}`,
          href: `${href}#flags`,
        })
    }
    for (const address of await addresses(personId)) {
      const where = [address.address, address.postcode, address.boroughName].filter(Boolean).join(', ')
      items.push({
        at: dayInstant(address.fromDate),
        kind: 'address',
        title: 'Address from this date',
        detail: where,
        href: `${href}#addresses`,
      })
      if (address.toDate)
        items.push({
          at: dayInstant(address.toDate),
          kind: 'address',
          title: 'Address until this date',
          detail: where,
          href: `${href}#addresses`,
        })
    }
    for (const m of await memberships(personId)) {
      items.push({
        at: dayInstant(m.fromDate),
        kind: 'household',
        title: `Joined household ${m.householdRef}`,
        detail: `Role: ${m.role}`,
        href: `${href}/household`,
      })
      if (m.toDate)
        items.push({
          at: dayInstant(m.toDate),
          kind: 'household',
          title: `Left household ${m.householdRef}`,
          href: `${href}/household`,
        })
    }
    return items
  }
  timelines.register(async (personId) => ownTimeline(personId))

  /** The people matching a search, best first (the search itself; `search` also logs who saw them). */
  async function findMatches(
    criteria: { q?: string | undefined; dob?: string | undefined },
    limit: number,
  ): Promise<Person[]> {
    const q = criteria.q?.trim() ?? ''
    const dob = criteria.dob && isIsoDate(criteria.dob) ? criteria.dob : null
    const found: Person[] = []
    if (q) {
      const byRef = await service.find(q)
      if (byRef && !isUuid(q) && (!dob || byRef.dateOfBirth === dob)) found.push(byRef)
      // A reference is exact: when one is found there is no need to read it as a name.
      if (byRef && !/\s/.test(q)) return found
    }
    const tokens = searchTokens(q)
    if (tokens.length === 0 && !dob) return found
    // Each word must match one of the person's names. The longest word (usually the most selective)
    // finds the candidates through a union whose every arm has its own index (trigram for spellings and
    // prefixes, double metaphone for sound-alikes); the other words are then checked on those rows only.
    // One OR over all the arms, or a full candidate set per word, would scan far more of a force's index.
    const words = tokens.length > 1 ? tokens.filter((t) => t.length > 1) : tokens
    const driver = [...words].sort((a, b) => b.length - a.length)[0]
    // Materialised, so the planner looks the candidates up first instead of testing every row.
    const candidates = driver
      ? sql`with candidate_id as materialized (
          select id from person where family_name ilike ${`${driver}%`}
          union select id from person where family_name ilike ${`%-${driver}%`}
          union select id from person where family_name ilike ${`% ${driver}%`}
          union select id from person where family_name % ${driver} and similarity(family_name, ${driver}) >= 0.5
          union select id from person where dmetaphone(family_name) = dmetaphone(${driver})
          union select id from person where given_names ilike ${`${driver}%`}
          union select id from person where given_names ilike ${`% ${driver}%`}
          union select id from person where dmetaphone(split_part(given_names, ' ', 1)) = dmetaphone(${driver}))
        , candidate as materialized (select p.* from candidate_id c join person p on p.id = c.id)
        select p.* from candidate p`
      : sql`select p.* from person p`
    const tokenMatches = words
      .filter((t) => t !== driver)
      .map(
        (t) => sql`(
        p.family_name ilike ${`${t}%`} or p.family_name ilike ${`%-${t}%`} or p.family_name ilike ${`% ${t}%`}
        or similarity(p.family_name, ${t}) >= 0.5 or dmetaphone(p.family_name) = dmetaphone(${t})
        or p.given_names ilike ${`${t}%`} or p.given_names ilike ${`% ${t}%`}
        or dmetaphone(split_part(p.given_names, ' ', 1)) = dmetaphone(${t}))`,
      )
    const where = [
      sql`p.merged_into is null`,
      ...(dob ? [sql`p.date_of_birth = ${dob}::date`] : []),
      ...tokenMatches,
    ]
    const { rows } = await sql<PersonRow>`
      ${candidates}
      where ${sql.join(where, sql` and `)}
      order by greatest(similarity(p.family_name || ' ' || p.given_names, ${q}),
                        similarity(p.given_names || ' ' || p.family_name, ${q})) desc,
               p.family_name, p.given_names, p.ref
      limit ${limit}`.execute(db)
    for (const row of rows) if (!found.some((f) => f.id === row.id)) found.push(toPerson(row))
    return found.slice(0, limit)
  }

  /**
   * A person has one address from a given day. Where both records have one from the same day, the same
   * address is one fact recorded twice (the merged record's copy goes, kept in history); two different
   * addresses are a question for a person, so the merge is refused and changes nothing.
   */
  async function settleSameDayAddresses(trx: Executor, survivorId: string, mergedId: string, actor: Changer) {
    const rows = await trx
      .selectFrom('person_address')
      .select(['id', 'version', 'person_id', 'address', 'postcode', 'from_date'])
      .where('person_id', 'in', [survivorId, mergedId])
      .execute()
    const same = (a?: string | null, b?: string | null) =>
      (a ?? '').replace(/\s+/g, ' ').trim().toLowerCase() ===
      (b ?? '').replace(/\s+/g, ' ').trim().toLowerCase()
    for (const moving of rows.filter((r) => r.person_id === mergedId)) {
      const kept = rows.find((r) => r.person_id === survivorId && r.from_date === moving.from_date)
      if (!kept) continue
      if (!same(kept.address, moving.address) || !same(kept.postcode, moving.postcode))
        throw new ConflictError(
          `Both records have a different address from ${moving.from_date}. Correct or end one of them, then merge.`,
        )
      await history.deleteRecord(trx, 'person_address', moving.id, moving.version, actor)
    }
  }

  const service = {
    /** Other modules add their records to every child's chronology. */
    registerTimelineProvider(provider: TimelineProvider) {
      timelines.register(provider)
    },

    /** Other modules move their records from a merged person to the survivor, in the merge's transaction. */
    onMerge(hook: MergeHook) {
      mergeHooks.push(hook)
    },

    /**
     * A person by id or ref; a merged record resolves to the person it was merged into. Inside a
     * transaction pass it as `q` (as for every read here that takes an executor).
     */
    async find(idOrRef: string, q: Executor = db): Promise<Person | undefined> {
      const key = idOrRef.trim()
      if (!key) return undefined
      const byId = isUuid(key) ? await personById(q, key) : undefined
      if (byId) return resolve(q, byId)
      const row = await q
        .selectFrom('person')
        .selectAll()
        // Both forms hit the unique index on ref; references are written in capitals almost everywhere.
        .where('ref', 'in', [...new Set([key, key.toUpperCase()])])
        .executeTakeFirst()
      return resolve(q, row ? toPerson(row) : undefined)
    },

    /**
     * Dates of birth of many people at once (a merged record answers with its survivor's), for imports that
     * need each person's age: one query for the batch instead of one `find` per person.
     */
    async datesOfBirth(ids: readonly string[]): Promise<Map<string, string | null>> {
      const wanted = [...new Set(ids.filter(isUuid))]
      if (wanted.length === 0) return new Map()
      const { rows } = await sql<{ id: string; date_of_birth: string | null }>`
        with recursive chain as (
          select p.id as asked, p.id, p.merged_into, p.date_of_birth, 0 as hop
          from person p where p.id = any(cast(${wanted} as uuid[]))
          union all
          select c.asked, p.id, p.merged_into, p.date_of_birth, c.hop + 1
          from chain c join person p on p.id = c.merged_into where c.hop < 10
        )
        select cast(asked as text) as id, cast(date_of_birth as text) as date_of_birth
        from chain where merged_into is null`.execute(db)
      return new Map(rows.map((r) => [r.id, r.date_of_birth]))
    },

    /** The record with this id as stored, without following a merge: a merged record's page says where it went. */
    async findRecord(
      id: string,
      q: Executor = db,
    ): Promise<(Person & { mergedAt: Date | null }) | undefined> {
      if (!isUuid(id)) return undefined
      const row = await q.selectFrom('person').selectAll().where('id', '=', id).executeTakeFirst()
      return row ? { ...toPerson(row), mergedAt: row.merged_at } : undefined
    },

    async get(idOrRef: string, q: Executor = db): Promise<Person> {
      const person = await service.find(idOrRef, q)
      if (!person) throw new NotFoundError('There is no person with this reference')
      return person
    },

    /** People Kestrel already holds who may be the person about to be created. */
    possibleDuplicates(input: PersonInput, excludeId?: string, q: Executor = db): Promise<Person[]> {
      return possibleDuplicates(q, input, excludeId)
    },

    /**
     * Creates a person, with their first address when given. Unless the user has confirmed this is a
     * different person, a possible duplicate stops the create with the candidates to check.
     */
    async create(
      input: NewPerson,
      actor: Actor,
      options: { confirmedNotDuplicate?: boolean } = {},
    ): Promise<Person> {
      const day = today()
      const errors = validatePerson(input, day)
      if (input.ref !== undefined && !/^[\w./-]{1,200}$/.test(input.ref))
        errors.push({ field: 'ref', reason: 'Reference must be letters, numbers, dots, dashes or slashes' })
      if (input.address) {
        errors.push(...validateAddress(input.address).map((e) => ({ ...e, field: `address.${e.field}` })))
        errors.push(
          ...(await checkBorough(db, input.address.boroughId)).map((e) => ({
            ...e,
            field: 'address.boroughId',
          })),
        )
      }
      if (errors.length) fail(errors)
      if (!options.confirmedNotDuplicate) {
        const candidates = await possibleDuplicates(db, input)
        if (candidates.length) throw new PossibleDuplicateError(candidates)
      }
      return db.transaction().execute(async (trx) => {
        if (input.ref) {
          const taken = await trx
            .selectFrom('person')
            .select('id')
            .where('ref', '=', input.ref)
            .executeTakeFirst()
          if (taken) fail([{ field: 'ref', reason: `Another person already has the reference ${input.ref}` }])
        }
        const now = clock.now()
        const row = await history.insertRecord(
          trx,
          'person',
          {
            ...(input.ref ? { ref: input.ref } : {}),
            ...personColumns(input, day),
            created_at: now,
            updated_at: now,
          } as never,
          actor,
        )
        if (input.address) await insertAddress(trx, row.id, input.address, actor)
        await accessLog.logChange(actor, { action: 'create', subjectKind: 'person', subjectId: row.id }, trx)
        return toPerson(row)
      })
    },

    /**
     * Changes a person's details if they are still at the version the user read (409 otherwise); a
     * principal whose area does not hold the person is refused (403), nothing changed.
     */
    async update(id: string, version: number, patch: PersonPatch, actor: Changer): Promise<Person> {
      return db.transaction().execute(async (trx) => {
        const current = await mustGet(trx, id)
        await mustMayEdit(trx, actor, id)
        if (current.mergedInto)
          throw new ConflictError('This record was merged into another; change the surviving record')
        const merged = {
          familyName: patch.familyName ?? current.familyName,
          givenNames: patch.givenNames ?? current.givenNames,
          dateOfBirth: patch.dateOfBirth !== undefined ? patch.dateOfBirth : current.dateOfBirth,
          estimatedAgeYears:
            patch.estimatedAgeYears !== undefined ? patch.estimatedAgeYears : current.estimatedAgeYears,
          gender: (patch.gender ?? current.gender) as PersonInput['gender'],
          ethnicity: (patch.ethnicity ?? current.ethnicity) as PersonInput['ethnicity'],
        }
        const errors = validatePerson(merged, today())
        if (errors.length) fail(errors)
        const columns = personColumns(patch, today())
        // An unchanged estimate keeps the day it was made.
        if (patch.estimatedAgeYears !== undefined && patch.estimatedAgeYears === current.estimatedAgeYears) {
          delete columns.estimated_age_years
          delete columns.estimated_age_on
        }
        const row = await history.updateRecord(
          trx,
          'person',
          id,
          version,
          { ...columns, updated_at: clock.now() },
          actor,
        )
        await accessLog.logChange(actor, { action: 'update', subjectKind: 'person', subjectId: id }, trx)
        return toPerson(row)
      })
    },

    /**
     * Search by name (sound-alike and similar spellings, every word must match one of the person's
     * names), date of birth and reference. Merged records are not listed; their ref finds the survivor.
     * A result list shows each person's name, date of birth and reference, so it is a read of every
     * person listed: one access-log row for the search, naming its words and every person's id. A search
     * that finds nobody is logged too: the words name the person looked for.
     */
    async search(
      criteria: { q?: string | undefined; dob?: string | undefined },
      viewer: SearchViewer,
      limit = 50,
    ): Promise<Person[]> {
      const found = await findMatches(criteria, limit)
      const words = { search: criteria.q?.trim() || null, dateOfBirth: criteria.dob || null }
      await service.recordList(
        {
          ...viewer,
          query: viewer.query ?? `person search ${JSON.stringify(words)}`,
        },
        found.map((p) => p.id),
        { action: 'search', detail: words },
      )
      return found
    },

    /**
     * A page or answer listing people (search results, possible duplicates, a household, two records to
     * merge): one access-log row for the request, naming the query and every person's id.
     */
    recordList(
      viewer: SearchViewer & { query: string },
      ids: readonly string[],
      options: { action?: string; detail?: Record<string, unknown> } = {},
    ): Promise<unknown> {
      return accessLog.recordList({
        actorId: viewer.actor.id,
        actorName: viewer.actor.username,
        subjectKind: 'person',
        query: viewer.query,
        ids: [...new Set(ids)],
        requestId: viewer.requestId ?? null,
        ...(options.action ? { action: options.action } : {}),
        ...(options.detail ? { detail: options.detail } : {}),
      })
    },

    /** May this principal change this person (their area holds them, or they are the MASH or an admin)? */
    async canEdit(editor: Editor, personId: string, q: Executor = db): Promise<boolean> {
      return mayEdit(editor, await holdingOf(q, personId, today()))
    },

    /** As `canEdit`, refusing with 403: the forms that change a person ask before showing or saving. */
    async mustEdit(editor: Editor & Actor, personId: string, q: Executor = db): Promise<void> {
      await mustMayEdit(q, editor, personId)
    },

    addresses,
    flags,
    memberships,

    /** The flags a person had on a day (default today). */
    async flagsOn(personId: string, day: IsoDate = today(), q: Executor = db): Promise<PersonFlag[]> {
      return flagsAsOf(await flags(personId, q), day)
    },

    /** The borough of the person's address on a day, for area scoping; null when no address is known. */
    async boroughOn(personId: string, day: IsoDate = today(), q: Executor = db): Promise<string | null> {
      const row = await q
        .selectFrom('person_address')
        .select('borough_id')
        .where('person_id', '=', personId)
        .where('from_date', '<=', day)
        .where((eb) => eb.or([eb('to_date', 'is', null), eb('to_date', '>=', day)]))
        .orderBy('from_date', 'desc')
        .executeTakeFirst()
      return row?.borough_id ?? null
    },

    /** A new address; the area holding the person before it is the one that records the move. */
    async addAddress(personId: string, input: AddressInput, actor: Changer): Promise<PersonAddress> {
      const errors = [...validateAddress(input), ...(await checkBorough(db, input.boroughId))]
      if (errors.length) fail(errors)
      await db.transaction().execute(async (trx) => {
        const person = await mustGet(trx, personId)
        await mustMayEdit(trx, actor, personId)
        if (person.mergedInto) throw new ConflictError('This record was merged into another')
        const clash = await trx
          .selectFrom('person_address')
          .select('id')
          .where('person_id', '=', personId)
          .where('from_date', '=', input.fromDate)
          .executeTakeFirst()
        if (clash) fail([{ field: 'fromDate', reason: 'This person already has an address from this date' }])
        await insertAddress(trx, personId, input, actor)
        await accessLog.logChange(
          actor,
          { action: 'update', subjectKind: 'person', subjectId: personId, detail: { added: 'address' } },
          trx,
        )
      })
      return (await addresses(personId)).find((a) => a.fromDate === input.fromDate) as PersonAddress
    },

    async addFlag(personId: string, input: FlagInput, actor: Changer): Promise<PersonFlag> {
      const errors = validateFlag(input, today())
      if (errors.length) fail(errors)
      const row = await db.transaction().execute(async (trx) => {
        const person = await mustGet(trx, personId)
        await mustMayEdit(trx, actor, personId)
        if (person.mergedInto) throw new ConflictError('This record was merged into another')
        const inserted = await history.insertRecord(
          trx,
          'person_flag',
          {
            person_id: personId,
            flag: input.flag,
            detail: input.detail?.trim() || null,
            from_date: input.fromDate,
            to_date: input.toDate,
            created_at: clock.now(),
          },
          actor,
        )
        await accessLog.logChange(
          actor,
          {
            action: 'update',
            subjectKind: 'person',
            subjectId: personId,
            detail: { added: 'flag', flag: input.flag },
          },
          trx,
        )
        return inserted
      })
      return {
        id: row.id,
        personId,
        flag: input.flag,
        detail: row.detail,
        fromDate: asDay(row.from_date),
        toDate: asDayOrNull(row.to_date),
        version: row.version,
      }
    },

    /** Ends a flag on a day (inclusive). */
    async endFlag(flagId: string, version: number, toDate: IsoDate, actor: Changer): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const flag = isUuid(flagId)
          ? await trx.selectFrom('person_flag').selectAll().where('id', '=', flagId).executeTakeFirst()
          : undefined
        if (!flag) throw new NotFoundError('There is no such flag')
        await mustMayEdit(trx, actor, flag.person_id)
        const errors = validatePeriod({ fromDate: asDay(flag.from_date), toDate }, today())
        if (!isIsoDate(toDate)) errors.push({ field: 'toDate', reason: 'Enter the end date' })
        if (errors.length) fail(errors.filter((e) => e.field === 'toDate'))
        await history.updateRecord(trx, 'person_flag', flagId, version, { to_date: toDate }, actor)
        await accessLog.logChange(
          actor,
          {
            action: 'update',
            subjectKind: 'person',
            subjectId: flag.person_id,
            detail: { ended: 'flag', flag: flag.flag },
          },
          trx,
        )
      })
    },

    /**
     * Adds the person to a household from a day: the household named by ref (created when new), or a new
     * household when no ref is given.
     */
    async addMembership(
      personId: string,
      input: { householdRef: string | null; role: HouseholdRole; fromDate: IsoDate; toDate: IsoDate | null },
      actor: Changer,
    ): Promise<Membership> {
      const errors = validatePeriod(input, today())
      if (!(householdRoles as readonly string[]).includes(input.role))
        errors.push({ field: 'role', reason: 'Select a role in the household' })
      if (input.householdRef && !/^[\w./-]{1,200}$/.test(input.householdRef))
        errors.push({
          field: 'householdRef',
          reason: 'Household reference must be letters, numbers, dots, dashes or slashes',
        })
      if (errors.length) fail(errors)
      const id = await db.transaction().execute(async (trx) => {
        const person = await mustGet(trx, personId)
        await mustMayEdit(trx, actor, personId)
        if (person.mergedInto) throw new ConflictError('This record was merged into another')
        let household = input.householdRef
          ? await trx
              .selectFrom('household')
              .select(['id', 'ref'])
              .where('ref', '=', input.householdRef)
              .executeTakeFirst()
          : undefined
        household ??= await history.insertRecord(
          trx,
          'household',
          { ...(input.householdRef ? { ref: input.householdRef } : {}), created_at: clock.now() } as never,
          actor,
        )
        const row = await history.insertRecord(
          trx,
          'household_membership',
          {
            household_id: household.id,
            person_id: personId,
            role: input.role,
            from_date: input.fromDate,
            to_date: input.toDate,
            created_at: clock.now(),
          },
          actor,
        )
        await accessLog.logChange(
          actor,
          {
            action: 'update',
            subjectKind: 'person',
            subjectId: personId,
            detail: { added: 'household', household: household.ref },
          },
          trx,
        )
        return row.id
      })
      return (await memberships(personId)).find((m) => m.id === id) as Membership
    },

    /** Ends a household membership on a day (inclusive). */
    async endMembership(
      membershipId: string,
      version: number,
      toDate: IsoDate,
      actor: Changer,
    ): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const row = isUuid(membershipId)
          ? await trx
              .selectFrom('household_membership')
              .selectAll()
              .where('id', '=', membershipId)
              .executeTakeFirst()
          : undefined
        if (!row) throw new NotFoundError('There is no such household membership')
        await mustMayEdit(trx, actor, row.person_id)
        const errors = validatePeriod({ fromDate: asDay(row.from_date), toDate }, today()).filter(
          (e) => e.field === 'toDate',
        )
        if (!isIsoDate(toDate)) errors.push({ field: 'toDate', reason: 'Enter the end date' })
        if (errors.length) fail(errors)
        await history.updateRecord(
          trx,
          'household_membership',
          membershipId,
          version,
          { to_date: toDate },
          actor,
        )
        await accessLog.logChange(
          actor,
          {
            action: 'update',
            subjectKind: 'person',
            subjectId: row.person_id,
            detail: { ended: 'household' },
          },
          trx,
        )
      })
    },

    /** The household(s) a person lived in on a day, with everyone in them on that day and their ages. */
    async householdOn(personId: string, day: IsoDate = today(), q: Executor = db) {
      const rows = await householdMembersOn([personId], day, q)
      const households = new Map<
        string,
        {
          id: string
          ref: string
          members: {
            person: Person
            role: string
            fromDate: string
            toDate: string | null
            age: ReturnType<typeof ageAt>
            isChild: boolean
          }[]
        }
      >()
      for (const row of rows) {
        const household = households.get(row.household_id) ?? {
          id: row.household_id,
          ref: row.household_ref,
          members: [],
        }
        const person = toPerson(row)
        household.members.push({
          person,
          role: row.role,
          fromDate: asDay(row.member_from),
          toDate: asDayOrNull(row.member_to),
          age: ageAt(person, day),
          isChild: isChildAt(person, day),
        })
        households.set(row.household_id, household)
      }
      return [...households.values()]
    },

    /**
     * The other children (under 18 on the day) living with each person on a day, for many people in one
     * query: REF-06 asks this. Pass the caller's transaction as `executor` when asking from inside one.
     */
    async otherChildrenInHousehold(
      personIds: readonly string[],
      day: IsoDate = today(),
      executor: Executor = db,
    ): Promise<Map<string, Person[]>> {
      const result = new Map<string, Person[]>(personIds.map((id) => [id, []]))
      for (const row of await householdMembersOn(personIds, day, executor)) {
        if (row.id === row.subject_id) continue
        const person = toPerson(row)
        if (!isChildAt(person, day)) continue
        const list = result.get(row.subject_id) ?? []
        if (!list.some((p) => p.id === person.id)) list.push(person)
        result.set(row.subject_id, list)
      }
      return result
    },

    /**
     * As `otherChildrenInHousehold`, for many (person, day) pairs in one query: a rule evaluating a batch
     * of records dated on many days. Keyed `${personId}|${day}`; a pair with no other children has [].
     */
    async otherChildrenInHouseholdOn(
      asked: readonly { personId: string; day: IsoDate }[],
      executor: Executor = db,
    ): Promise<Map<string, Person[]>> {
      const pairs = [...new Map(asked.map((a) => [`${a.personId}|${a.day}`, a])).values()]
      const result = new Map<string, Person[]>(pairs.map((a) => [`${a.personId}|${a.day}`, []]))
      if (pairs.length === 0) return result
      const { rows } = await sql<PersonRow & { subject_id: string; asked_day: string }>`
        select a.subject_id::text as subject_id, a.day::text as asked_day, p.*
        from unnest(${pairs.map((a) => a.personId)}::uuid[], ${pairs.map((a) => a.day)}::date[])
          as a(subject_id, day)
        join household_membership m1 on m1.person_id = a.subject_id
          and m1.from_date <= a.day and (m1.to_date is null or m1.to_date >= a.day)
        join household h on h.id = m1.household_id
        join household_membership m2 on m2.household_id = m1.household_id
          and m2.from_date <= a.day and (m2.to_date is null or m2.to_date >= a.day)
        join person p on p.id = m2.person_id and p.merged_into is null
        order by a.subject_id, a.day, h.ref, p.date_of_birth nulls last, p.family_name`.execute(executor)
      for (const row of rows) {
        if (row.id === row.subject_id) continue
        const person = toPerson(row)
        if (!isChildAt(person, row.asked_day as IsoDate)) continue
        const list = result.get(`${row.subject_id}|${row.asked_day}`)
        if (list && !list.some((p) => p.id === person.id)) list.push(person)
      }
      return result
    },

    /**
     * The other children (under 18 on the day) linked to each (person, day): in the same household, or with
     * access to the same adult (REF-06). The adults are those related to the person as parent, carer or
     * associate on the day and aged 18 or over (or of unknown age); the children reached through them are
     * their children, cared-for children and associates, and the children living with them, on the day.
     * One query for the whole batch. Keyed `${personId}|${day}`; a pair with nobody linked has [].
     */
    async linkedChildrenOn(
      asked: readonly { personId: string; day: IsoDate }[],
      executor: Executor = db,
    ): Promise<Map<string, LinkedChild[]>> {
      const pairs = [...new Map(asked.map((a) => [`${a.personId}|${a.day}`, a])).values()]
      const result = new Map<string, LinkedChild[]>(pairs.map((a) => [`${a.personId}|${a.day}`, []]))
      if (pairs.length === 0) return result
      // Relationships read "person_a is the <kind> of person_b"; associate reads both ways. A period with
      // no dates is taken as current. Memberships are inclusive at both ends.
      const { rows } = await sql<
        PersonRow & {
          subject_id: string
          asked_day: string
          via: 'household' | 'adult'
          household_ref: string | null
          to_child: 'parent' | 'carer' | 'associate' | null
          to_other: 'parent' | 'carer' | 'associate' | 'household' | null
          adult_id: string | null
          adult_ref: string | null
          adult_family_name: string | null
          adult_given_names: string | null
          adult_date_of_birth: string | null
          adult_estimated_age_years: number | null
          adult_estimated_age_on: string | null
        }
      >`
        with asked as (
          select * from unnest(${pairs.map((a) => a.personId)}::uuid[], ${pairs.map((a) => a.day)}::date[])
            as a(subject_id, day)
        ),
        ${childLinkTraversal}
        select x.subject_id::text as subject_id, x.day::text as asked_day, x.via, x.household_ref,
          x.to_child, x.to_other, x.adult_id::text as adult_id, ad.ref as adult_ref,
          ad.family_name as adult_family_name, ad.given_names as adult_given_names,
          ad.date_of_birth::text as adult_date_of_birth, ad.estimated_age_years as adult_estimated_age_years,
          ad.estimated_age_on::text as adult_estimated_age_on, p.*
        from reached x
        join person p on p.id = x.other_id and p.merged_into is null
        left join person ad on ad.id = x.adult_id
        where x.other_id <> x.subject_id and (x.adult_id is null or ad.merged_into is null)
        order by x.subject_id, x.day, p.date_of_birth nulls last, p.family_name, p.id, x.via desc,
          x.household_ref, ad.ref, x.to_other`.execute(executor)
      for (const row of rows) {
        const day = row.asked_day as IsoDate
        const person = toPerson(row)
        if (!isChildAt(person, day)) continue
        let link: ChildLink
        if (row.via === 'household') {
          link = { via: 'household', householdRef: row.household_ref ?? '' }
        } else {
          const adult = {
            dateOfBirth: row.adult_date_of_birth as IsoDate | null,
            estimatedAgeYears: row.adult_estimated_age_years,
            estimatedAgeOn: row.adult_estimated_age_on as IsoDate | null,
          }
          // A child's young associate, or a sibling who is also someone's carer, is not an adult with access.
          if (isChildAt(adult, day) || row.adult_id === person.id) continue
          link = {
            via: 'adult',
            adult: {
              id: row.adult_id ?? '',
              ref: row.adult_ref ?? '',
              name: displayName({
                familyName: row.adult_family_name ?? '',
                givenNames: row.adult_given_names ?? '',
              }),
            },
            toChild: row.to_child ?? 'associate',
            toOther: row.to_other ?? 'associate',
          }
        }
        const list = result.get(`${row.subject_id}|${row.asked_day}`)
        if (!list) continue
        let entry = list.find((c) => c.person.id === person.id)
        if (!entry) {
          entry = { person, links: [] }
          list.push(entry)
        }
        if (!entry.links.some((l) => JSON.stringify(l) === JSON.stringify(link))) entry.links.push(link)
      }
      return result
    },

    /**
     * For a rule that answers with one query, SQL not yet run: when each person was first flagged with any of
     * `flags` (the first flag's from date, at London midnight), one row (person_id, at) per person flagged.
     * `people`, when given, is a relation of person_id to look at (a few records after a write).
     */
    flaggedSinceSql(
      flags: readonly FlagKind[],
      people?: RawBuilder<unknown>,
    ): RawBuilder<{ person_id: string; at: Date }> {
      return sql<{ person_id: string; at: Date }>`(
        select pf.person_id, min(pf.from_date::timestamp at time zone 'Europe/London') as at
        from person_flag pf
        where pf.flag = any(${[...flags]}::text[]) ${people ? sql`and pf.person_id in ${people}` : sql``}
        group by pf.person_id)`
    },

    /**
     * `linkedChildrenOn` as SQL not yet run, for a rule that answers with one query: `asked` is any relation
     * with columns subject_id (uuid) and day (date); the result has one row per distinct link
     * (LinkedChildLinkRow), the same children and links for the same reasons, numbered in linkedChildrenOn's
     * order. Two links through one adult that differ only in how the adult relates to the asked child, which
     * linkedChildrenOn leaves in no set order, come parent, carer, associate here.
     */
    linkedChildrenSql(asked: RawBuilder<unknown>): RawBuilder<LinkedChildLinkRow> {
      const day = sql.ref('x.day')
      return sql<LinkedChildLinkRow>`(
        with asked as (select a.subject_id, a.day from ${asked} as a),
        ${childLinkTraversal},
        -- Distinct: linkedChildrenOn keeps a link once however many memberships or relationships repeat it.
        links as (
          select distinct x.subject_id, x.day, p.id as child_id, p.ref as child_ref,
            ${displayNameSql('p')} as child_name, x.via, x.household_ref, x.adult_id, ad.ref as adult_ref,
            case when ad.id is not null then ${displayNameSql('ad')} end as adult_name,
            x.to_child, x.to_other
          from reached x
          join person p on p.id = x.other_id and p.merged_into is null
          left join person ad on ad.id = x.adult_id
          where x.other_id <> x.subject_id and (x.adult_id is null or ad.merged_into is null)
            and ${isChildAtSql('p', day)}
            -- A child's young associate, or a sibling who is also someone's carer, is no adult with access.
            and (x.via = 'household' or not (${isChildAtSql('ad', day)} or x.adult_id = p.id))
        )
        select links.*, cast(row_number() over (partition by subject_id, day, child_id
            order by via desc, household_ref, adult_ref, to_other,
              array_position(array['parent', 'carer', 'associate'], to_child)) as integer) as link_order
        from links)`
    },

    async relationships(personId: string, q: Executor = db): Promise<Relationship[]> {
      const rows = await q
        .selectFrom('relationship')
        .selectAll()
        .where((eb) => eb.or([eb('person_a', '=', personId), eb('person_b', '=', personId)]))
        .orderBy('created_at')
        .execute()
      const others = new Map<string, Person>()
      const ids = [...new Set(rows.map((r) => (r.person_a === personId ? r.person_b : r.person_a)))]
      if (ids.length) {
        for (const row of await q.selectFrom('person').selectAll().where('id', 'in', ids).execute())
          others.set(row.id, toPerson(row))
      }
      return rows.flatMap((r) => {
        const forward = r.person_a === personId
        const other = others.get(forward ? r.person_b : r.person_a)
        if (!other) return []
        const kind = r.kind as RelationshipKind
        const reading =
          kind === 'parent'
            ? forward
              ? 'parent of'
              : 'child of'
            : kind === 'carer'
              ? forward
                ? 'carer of'
                : 'cared for by'
              : kind === 'sibling'
                ? 'sibling of'
                : 'associate of'
        return [
          {
            id: r.id,
            other,
            kind,
            reading,
            fromDate: asDayOrNull(r.from_date),
            toDate: asDayOrNull(r.to_date),
            version: r.version,
          },
        ]
      })
    },

    /**
     * Records that `personId` is the <kind> of the person with `otherRef` (parent, carer) or related both
     * ways. Only `personId`'s area is asked: the other person may live anywhere (a child's associates
     * cross borders, and recording them is how the link is found).
     */
    async addRelationship(
      personId: string,
      input: { otherRef: string; kind: RelationshipKind; fromDate: IsoDate | null; toDate: IsoDate | null },
      actor: Changer,
    ): Promise<void> {
      const errors: FieldError[] = []
      if (!(relationshipKinds as readonly string[]).includes(input.kind))
        errors.push({ field: 'kind', reason: 'Select the relationship' })
      const other = input.otherRef.trim() ? await service.find(input.otherRef) : undefined
      if (!other) errors.push({ field: 'otherRef', reason: 'Enter the reference of a person Kestrel holds' })
      else if (other.id === personId)
        errors.push({ field: 'otherRef', reason: 'A person cannot be related to themselves' })
      if (input.fromDate) errors.push(...validatePeriod(input, today()))
      if (errors.length) fail(errors)
      await db.transaction().execute(async (trx) => {
        await mustGet(trx, personId)
        await mustMayEdit(trx, actor, personId)
        await history.insertRecord(
          trx,
          'relationship',
          {
            person_a: personId,
            person_b: (other as Person).id,
            kind: input.kind,
            from_date: input.fromDate,
            to_date: input.toDate,
            created_at: clock.now(),
          },
          actor,
        )
        await accessLog.logChange(
          actor,
          { action: 'update', subjectKind: 'person', subjectId: personId, detail: { added: 'relationship' } },
          trx,
        )
      })
    },

    /**
     * Merges a duplicate into the record that survives. Both histories are kept: the merged record stays,
     * marked merged_into; its addresses, flags, memberships and relationships move to the survivor, each
     * move a change_history row; modules that registered onMerge move their own records in the same
     * transaction; anything that pointed at the merged record's ref now finds the survivor. Both records
     * change, so a principal must be able to change both (403 otherwise).
     */
    async merge(
      survivorId: string,
      mergedId: string,
      actor: Changer,
      /** The versions the user confirmed: a record changed since then is a conflict, so nobody merges blind. */
      expected?: { survivorVersion: number; mergedVersion: number },
    ): Promise<Person> {
      if (survivorId === mergedId)
        fail([{ field: 'mergedId', reason: 'Choose two different records to merge' }])
      return db.transaction().execute(async (trx) => {
        const locked = await trx
          .selectFrom('person')
          .selectAll()
          .where('id', 'in', [survivorId, mergedId].filter(isUuid))
          .orderBy('id')
          .forUpdate()
          .execute()
        const survivor = locked.find((r) => r.id === survivorId)
        const merged = locked.find((r) => r.id === mergedId)
        if (!survivor || !merged) throw new NotFoundError('One of the records to merge does not exist')
        await mustMayEdit(trx, actor, survivorId)
        await mustMayEdit(trx, actor, mergedId)
        if (survivor.merged_into || merged.merged_into)
          throw new ConflictError('One of these records has already been merged')
        if (
          expected &&
          (survivor.version !== expected.survivorVersion || merged.version !== expected.mergedVersion)
        )
          throw new ConflictError()
        await settleSameDayAddresses(trx, survivorId, mergedId, actor)
        for (const table of ['person_address', 'person_flag', 'household_membership'] as const) {
          const rows = await trx
            .selectFrom(table)
            .select(['id', 'version'])
            .where('person_id', '=', mergedId)
            .execute()
          for (const row of rows)
            await history.updateRecord(trx, table, row.id, row.version, { person_id: survivorId }, actor)
        }
        const related = await trx
          .selectFrom('relationship')
          .selectAll()
          .where((eb) => eb.or([eb('person_a', '=', mergedId), eb('person_b', '=', mergedId)]))
          .execute()
        for (const row of related) {
          const a = row.person_a === mergedId ? survivorId : row.person_a
          const b = row.person_b === mergedId ? survivorId : row.person_b
          // A relationship between the two records of one person means nothing once they are one.
          if (a === b) await history.deleteRecord(trx, 'relationship', row.id, row.version, actor)
          else
            await history.updateRecord(
              trx,
              'relationship',
              row.id,
              row.version,
              { person_a: a, person_b: b },
              actor,
            )
        }
        const earlier = await trx
          .selectFrom('person')
          .select(['id', 'version'])
          .where('merged_into', '=', mergedId)
          .execute()
        for (const row of earlier)
          await history.updateRecord(trx, 'person', row.id, row.version, { merged_into: survivorId }, actor)
        const now = clock.now()
        await history.updateRecord(
          trx,
          'person',
          mergedId,
          merged.version,
          { merged_into: survivorId, merged_at: now, updated_at: now },
          actor,
        )
        for (const hook of mergeHooks) await hook(trx, { survivorId, mergedId })
        await accessLog.logChange(
          actor,
          {
            action: 'merge',
            subjectKind: 'person',
            subjectId: survivorId,
            detail: { mergedId, mergedRef: merged.ref },
          },
          trx,
        )
        await accessLog.logChange(
          actor,
          {
            action: 'merge',
            subjectKind: 'person',
            subjectId: mergedId,
            detail: { survivorId, survivorRef: survivor.ref },
          },
          trx,
        )
        return toPerson(survivor)
      })
    },

    /** Everything Kestrel holds about a person, newest first, up to `asOf` when given. */
    timeline(personId: string, reach: Reach, asOf?: Date): Promise<TimelineItem[]> {
      return timelines.collect(personId, reach, asOf)
    },

    /** Every view of a person's record is logged: who, which person, which request. */
    recordView(actor: Actor, personId: string, requestId: string, reason?: string): Promise<unknown> {
      return accessLog.logRead(actor, 'person', personId, requestId, reason ?? null)
    },

    today,
  }
  return service
}

export type ChildrenService = ReturnType<typeof childrenService>
