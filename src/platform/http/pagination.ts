import { type FormBody, formText } from './form-body.ts'

/**
 * Long lists are paged and sorted on the server, a page at a time, with the GOV.UK pagination component
 * and the MoJ sortable table's headers: the page asked for (`?page=`), the rows to skip, and what the
 * component and "Showing 51 to 100 of 530" need. Every link a list makes (another page, another order) is
 * the list as it was asked for with only that changed, so no list can forget one of its filters.
 */

/** The page asked for in the query: 1 unless a whole number from 1 (a page past the end lists nothing). */
export function pageAsked(query: FormBody): number {
  return Math.max(1, Math.min(10_000, Number.parseInt(formText(query, 'page') || '1', 10) || 1))
}

/** Every value the list was asked with (a name sent many times kept many times), but those in `drop`. */
function askedWithout(query: FormBody, drop: readonly string[]): [string, string][] {
  return Object.entries(query ?? {}).flatMap(([name, value]) =>
    drop.includes(name)
      ? []
      : (Array.isArray(value) ? value : [value])
          .filter((v): v is string => typeof v === 'string' && v.trim() !== '')
          .map((v): [string, string] => [name, v.trim()]),
  )
}

/** The list at `path` as asked for in `query`, with `changes` made (another page, another order; '' drops one). */
export function listHref(path: string, query: FormBody, changes: Record<string, string>): string {
  const search = new URLSearchParams([
    ...askedWithout(query, Object.keys(changes)),
    ...Object.entries(changes).filter(([, value]) => value !== ''),
  ])
  const text = search.toString()
  return text ? `${path}?${text}` : path
}

/** The pagination component's items for page `page` of `pages`: the ends, and two either side. */
export function pagination(page: number, pages: number, pageHref: (n: number) => string) {
  if (pages <= 1) return undefined
  return {
    ...(page > 1 ? { previous: { href: pageHref(Math.min(page - 1, pages)) } } : {}),
    ...(page < pages ? { next: { href: pageHref(page + 1) } } : {}),
    items: Array.from({ length: pages }, (_, i) => i + 1)
      .filter((n) => n === 1 || n === pages || Math.abs(n - page) <= 2)
      .flatMap((n, i, list) => [
        ...(i > 0 && n - (list[i - 1] as number) > 1 ? [{ ellipsis: true }] : []),
        { number: n, href: pageHref(n), current: n === page },
      ]),
  }
}

/**
 * A page of a list for its view: where it starts and ends among `total`, and the pagination component,
 * each page's link the list at `path` as `query` asked for it (every filter and the order) but the page.
 */
export function pageOfList(options: {
  path: string
  query: FormBody
  page: number
  size: number
  total: number
  shown: number
}) {
  const { path, query, page, size, total, shown } = options
  const pages = Math.max(1, Math.ceil(total / size))
  return {
    total,
    shownFrom: shown ? (page - 1) * size + 1 : 0,
    shownTo: shown ? (page - 1) * size + shown : 0,
    pagination: pagination(page, pages, (n) => listHref(path, query, { page: String(n) })),
  }
}

export type SortDirection = 'asc' | 'desc'

/** A column a list can be sorted by: its key in `?sort=`, its header, and the order a first click gives. */
export interface SortColumn<K extends string> {
  key: K
  text: string
  first?: SortDirection
}

/** The order asked for (`?sort=` and `?direction=`), or `fallback` when the list does not offer it. */
export function sortAsked<K extends string>(
  query: FormBody,
  columns: readonly SortColumn<K>[],
  fallback: { key: K; direction: SortDirection },
): { key: K; direction: SortDirection } {
  const column = columns.find((c) => c.key === formText(query, 'sort'))
  if (!column) return fallback
  const direction = formText(query, 'direction')
  return {
    key: column.key,
    direction: direction === 'asc' || direction === 'desc' ? direction : (column.first ?? 'asc'),
  }
}

/**
 * The sortable table's headers (the MoJ pattern, sorted on the server): each links to the list, every filter
 * kept, from its first page, sorted by that column; the sorted column says so in `aria-sort` and its link
 * turns the order round.
 */
export function sortHeaders<K extends string>(
  path: string,
  query: FormBody,
  columns: readonly SortColumn<K>[],
  sorted: { key: K; direction: SortDirection },
) {
  return columns.map((c) => {
    const current = c.key === sorted.key
    const next = current ? (sorted.direction === 'asc' ? 'desc' : 'asc') : (c.first ?? 'asc')
    return {
      key: c.key,
      text: c.text,
      href: listHref(path, query, { sort: c.key, direction: next, page: '' }),
      ariaSort: current ? (sorted.direction === 'asc' ? 'ascending' : 'descending') : 'none',
    }
  })
}
