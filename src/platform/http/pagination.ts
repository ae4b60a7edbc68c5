import { type FormBody, formText } from './form-body.ts'

/**
 * Long lists are paged on the server, a page at a time, with the GOV.UK pagination component: the page
 * asked for (`?page=`), the rows to skip, and what the component and "Showing 51 to 100 of 530" need.
 */

/** The page asked for in the query: 1 unless a whole number from 1 (a page past the end lists nothing). */
export function pageAsked(query: FormBody): number {
  return Math.max(1, Math.min(10_000, Number.parseInt(formText(query, 'page') || '1', 10) || 1))
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
 * each page's link keeping the list's filters (`filters`, left out when empty) at `path`.
 */
export function pageOfList(options: {
  path: string
  page: number
  size: number
  total: number
  shown: number
  filters?: Record<string, string>
}) {
  const { path, page, size, total, shown } = options
  const pages = Math.max(1, Math.ceil(total / size))
  const kept = Object.entries(options.filters ?? {}).filter(([, value]) => value !== '')
  const pageHref = (n: number) => `${path}?${new URLSearchParams([...kept, ['page', String(n)]]).toString()}`
  return {
    total,
    shownFrom: shown ? (page - 1) * size + 1 : 0,
    shownTo: shown ? (page - 1) * size + shown : 0,
    pagination: pagination(page, pages, pageHref),
  }
}
