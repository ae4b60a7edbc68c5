import { sql } from 'kysely'
import type { AccessLogService } from '../../../platform/access/access-log.ts'
import type { Executor } from '../../../platform/db/database.ts'
import { isUuid } from '../../../platform/ids.ts'
import { isIsoDate } from '../../../platform/time.ts'
import { searchTokens } from '../person.ts'
import { find } from './find-people.ts'
import { type Person, type PersonRow, type SearchViewer, toPerson } from './records.ts'

export interface SearchCriteria {
  q?: string | undefined
  dob?: string | undefined
}

/** A page of a search: where it starts and how many it holds. */
export interface SearchPage {
  limit: number
  offset?: number
}

/** The people matching a search, best first (the search itself; `search` also logs who saw them). */
export async function findMatches(q: Executor, criteria: SearchCriteria, limit: number): Promise<Person[]> {
  return (await findMatchPage(q, criteria, { limit })).people
}

/** A page of the people matching a search, best first, and how many match in all. */
export async function findMatchPage(
  q: Executor,
  criteria: SearchCriteria,
  page: SearchPage,
): Promise<{ people: Person[]; total: number }> {
  const words = criteria.q?.trim() ?? ''
  const dob = criteria.dob && isIsoDate(criteria.dob) ? criteria.dob : null
  const offset = page.offset ?? 0
  // The person whose reference was typed comes first, before those whose names match.
  const pinned: Person[] = []
  if (words) {
    const byRef = await find(q, words)
    if (byRef && !isUuid(words) && (!dob || byRef.dateOfBirth === dob)) pinned.push(byRef)
    // A reference is exact: when one is found there is no need to read it as a name.
    if (byRef && !/\s/.test(words))
      return { people: pinned.slice(offset, offset + page.limit), total: pinned.length }
  }
  const found = pinned.slice(offset, offset + page.limit)
  const tokens = searchTokens(words)
  if (tokens.length === 0 && !dob) return { people: found, total: pinned.length }
  // Each word must match one of the person's names. The longest word (usually the most selective)
  // finds the candidates through a union whose every arm has its own index (trigram for spellings and
  // prefixes, double metaphone for sound-alikes); the other words are then checked on those rows only.
  // One OR over all the arms, or a full candidate set per word, would scan far more of a force's index.
  const names = tokens.length > 1 ? tokens.filter((t) => t.length > 1) : tokens
  const driver = [...names].sort((a, b) => b.length - a.length)[0]
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
  const tokenMatches = names
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
    ...pinned.map((p) => sql`p.id <> ${p.id}`),
    ...tokenMatches,
  ]
  const matching = sql`${candidates} where ${sql.join(where, sql` and `)}`
  const { rows: counted } = await sql<{ n: number }>`select count(*)::int as n from (${matching}) m`.execute(
    q,
  )
  const { rows } = await sql<PersonRow>`
    ${matching}
    order by greatest(similarity(p.family_name || ' ' || p.given_names, ${words}),
                      similarity(p.given_names || ' ' || p.family_name, ${words})) desc,
             p.family_name, p.given_names, p.ref
    limit ${page.limit - found.length} offset ${Math.max(0, offset - pinned.length)}`.execute(q)
  for (const row of rows) found.push(toPerson(row))
  return { people: found, total: pinned.length + (counted[0]?.n ?? 0) }
}

/**
 * A page or answer listing people (search results, possible duplicates, a household, two records to
 * merge): one access-log row for the request, naming the query and every person's id.
 */
export function recordList(
  accessLog: AccessLogService,
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
}

/**
 * Search by name (sound-alike and similar spellings, every word must match one of the person's
 * names), date of birth and reference. Merged records are not listed; their ref finds the survivor.
 * A result list shows each person's name, date of birth and reference, so it is a read of every
 * person listed: one access-log row for the search, naming its words and every person's id. A search
 * that finds nobody is logged too: the words name the person looked for.
 */
export async function search(
  q: Executor,
  accessLog: AccessLogService,
  criteria: SearchCriteria,
  viewer: SearchViewer,
  limit = 50,
): Promise<Person[]> {
  return (await searchPage(q, accessLog, criteria, viewer, { limit })).people
}

/** As `search`, a page at a time, with how many match in all; only the page's people are read and logged. */
export async function searchPage(
  q: Executor,
  accessLog: AccessLogService,
  criteria: SearchCriteria,
  viewer: SearchViewer,
  page: SearchPage,
): Promise<{ people: Person[]; total: number }> {
  const { people: found, total } = await findMatchPage(q, criteria, page)
  const words = { search: criteria.q?.trim() || null, dateOfBirth: criteria.dob || null }
  await recordList(
    accessLog,
    { ...viewer, query: viewer.query ?? `person search ${JSON.stringify(words)}` },
    found.map((p) => p.id),
    { action: 'search', detail: words },
  )
  return { people: found, total }
}
