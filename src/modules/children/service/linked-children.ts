import { type RawBuilder, sql } from 'kysely'
import type { Executor } from '../../../platform/db/database.ts'
import { displayName, type IsoDate, isChildAt } from '../person.ts'
import { type Person, type PersonRow, toPerson } from './records.ts'

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
 * The other children (under 18 on the day) linked to each (person, day): in the same household, or with
 * access to the same adult (REF-06). The adults are those related to the person as parent, carer or
 * associate on the day and aged 18 or over (or of unknown age); the children reached through them are
 * their children, cared-for children and associates, and the children living with them, on the day.
 * One query for the whole batch. Keyed `${personId}|${day}`; a pair with nobody linked has [].
 */
export async function linkedChildrenOn(
  executor: Executor,
  asked: readonly { personId: string; day: IsoDate }[],
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
}

/**
 * For a rule that answers with one query, SQL not yet run: when each person was first flagged with any of
 * `flags` (the first flag's from date, at London midnight), one row (person_id, at) per person flagged.
 * `people`, when given, is a relation of person_id to look at (a few records after a write).


/**
 * `linkedChildrenOn` as SQL not yet run, for a rule that answers with one query: `asked` is any relation
 * with columns subject_id (uuid) and day (date); the result has one row per distinct link
 * (LinkedChildLinkRow), the same children and links for the same reasons, numbered in linkedChildrenOn's
 * order. Two links through one adult that differ only in how the adult relates to the asked child, which
 * linkedChildrenOn leaves in no set order, come parent, carer, associate here.
 */
export function linkedChildrenSql(asked: RawBuilder<unknown>): RawBuilder<LinkedChildLinkRow> {
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
}

/**
 * Everyone whose linked children (`linkedChildrenSql`, on any day) may change when the records of `people`
 * (a relation with a `person_id` column) change: a person is linked to another child through a household
 * they share, an adult related to both, or an adult related to one and living with the other. So a change to
 * someone reaches themselves, anyone who has shared a household with them, anyone related to them or to
 * those, and anyone related to someone related to them. Dates and kinds are ignored: a superset, for a rule
 * that reads links to find whose findings a change to the person index may move (REF-06's `dependsOn`).
 */
export function peopleLinkedThroughSql(
  people: RawBuilder<{ person_id: string }>,
): RawBuilder<{ person_id: string }> {
  const related = (from: string) => sql`select person_b as id from relationship
      where person_a in (select id from ${sql.table(from)})
    union select person_a from relationship where person_b in (select id from ${sql.table(from)})`
  return sql<{ person_id: string }>`
    with x as (select distinct p.person_id as id from (${people}) as p where p.person_id is not null),
    xh as (
      select id from x
      union
      select m2.person_id from household_membership m1
        join household_membership m2 on m2.household_id = m1.household_id
        where m1.person_id in (select id from x)
    ),
    rx as (${related('x')})
    select id as person_id from xh
    union select id from (${related('xh')}) as r1
    union select id from (${related('rx')}) as r2`
}
