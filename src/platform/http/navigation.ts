import { permits } from '../access/access.ts'
import type { Role } from '../access/roles.ts'
import type { NavigationItem } from './app.ts'

/** Where the items that do not fit the menu's row are listed: a page, so "More" works without JavaScript. */
export const morePath = '/more'

/**
 * The row's width at the narrowest desktop page (960 px), in the pixels the GOV.UK service navigation
 * takes: the service's name (bold, about 9 px a character) and each item (about 8.5 px a character and
 * 30 px between items), measured in Chromium at 1280 px (test/e2e/navigation.e2e.test.ts measures an
 * administrator's row). Kept a little short of 960 px, since a font's widths vary.
 */
const rowWidth = 930
const nameWidth = (name: string) => name.length * 9 + 30
const itemWidth = (text: string) => text.length * 8.5 + 30

export interface MenuLink {
  text: string
  href: string
  active: boolean
}

/** The menu as a person sees it: the row, ending with "More" when some items are under it, and those items. */
export interface Menu {
  row: MenuLink[]
  more: MenuLink[]
  /** Every item, row and More, in order (Home lists them). */
  all: MenuLink[]
}

/** Whether an item is the page at `url`, or a page under it. */
function isActive(href: string, url: string): boolean {
  const path = url.split('?')[0] as string
  if (href === '/') return path === '/'
  return path === href || path.startsWith(`${href}/`)
}

/**
 * The items the roles may use, in order. When they all fit beside the service's name, the row is all of
 * them. Otherwise the row is Home, the role's own work (`rowFor`) and then the rest in order, as many as
 * fit, and "More", a link to the More page listing the rest and the less used (marked `more`), active when
 * the page is one of them. So any role's menu is one row, however many modules add items.
 */
export function menuFor(
  items: readonly NavigationItem[],
  roles: readonly Role[],
  url: string,
  serviceName = '',
): Menu {
  const mine = items
    .filter((item) => permits(item.access, roles))
    .map((item) => ({
      text: item.text,
      href: item.href,
      active: isActive(item.href, url),
      less: !!item.more,
      rowFor: item.rowFor ?? [],
    }))
  const all = mine.map(({ less: _, rowFor: __, ...link }) => link)
  const cost = itemWidth
  const rowBudget = rowWidth - nameWidth(serviceName)
  const everyFrequent = mine.filter((m) => !m.less)
  // Everything fits without a "More": the row is the whole menu.
  if (everyFrequent.length === mine.length && mine.reduce((n, m) => n + cost(m.text), 0) <= rowBudget)
    return { row: all, more: [], all }
  // Otherwise the row is Home, then the viewer's own work (items naming one of their roles in `rowFor`),
  // then the rest in the menu's order, while they fit beside "More"; shown in the menu's order.
  const own = (m: (typeof mine)[number]) => m.rowFor.some((r) => roles.includes(r))
  const candidates = [
    ...everyFrequent.filter((m) => m.href === '/'),
    ...everyFrequent.filter((m) => m.href !== '/' && own(m)),
    ...everyFrequent.filter((m) => m.href !== '/' && !own(m)),
  ]
  const chosen = new Set<string>()
  let used = cost('More')
  for (const m of candidates) {
    if (used + cost(m.text) > rowBudget) continue
    chosen.add(m.href)
    used += cost(m.text)
  }
  const row = all.filter((link) => chosen.has(link.href))
  const more = all.filter((link) => !row.includes(link))
  const atMore = url.split('?')[0] === morePath
  return {
    row: [...row, { text: 'More', href: morePath, active: atMore || more.some((m) => m.active) }],
    more,
    all,
  }
}
