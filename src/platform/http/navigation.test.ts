import { describe, expect, it } from 'vitest'
import { allow, signedIn } from '../access/access.ts'
import type { NavigationItem } from './app.ts'
import { menuFor } from './navigation.ts'

const items: NavigationItem[] = [
  { text: 'Home', href: '/', access: signedIn },
  { text: 'People', href: '/people', access: allow('officer', 'admin') },
  { text: 'PACs', href: '/pacs', access: allow('officer', 'admin') },
  { text: 'Investigations', href: '/investigations', access: allow('admin') },
  { text: 'My work', href: '/my-work', access: allow('officer', 'admin') },
  { text: 'My team', href: '/my-team', access: allow('admin') },
  { text: 'Custody', href: '/custody', access: allow('admin') },
  { text: 'Offenders', href: '/offenders', access: allow('admin') },
  { text: 'Missing', href: '/missing', access: allow('admin') },
  { text: 'Performance', href: '/dashboard', access: allow('admin') },
  { text: 'Rules', href: '/rules', access: allow('officer', 'admin'), more: true },
  { text: 'Users', href: '/admin/users', access: allow('admin'), more: true },
]
const service = 'Metropolitan Police Service'
const texts = (links: { text: string }[]) => links.map((l) => l.text)

describe('the menu', () => {
  it('keeps an administrator’s row short, in order, the rest under More', () => {
    const menu = menuFor(items, ['admin'], '/', service)
    expect(texts(menu.row)).toEqual([
      'Home',
      'People',
      'PACs',
      'Investigations',
      'My work',
      'My team',
      'More',
    ])
    expect(texts(menu.more)).toEqual(['Custody', 'Offenders', 'Missing', 'Performance', 'Rules', 'Users'])
    expect(menu.all).toHaveLength(items.length)
  })

  it('puts the less used under More even when the row has room, and nothing else', () => {
    const menu = menuFor(items, ['officer'], '/people/1', service)
    expect(texts(menu.row)).toEqual(['Home', 'People', 'PACs', 'My work', 'More'])
    expect(texts(menu.more)).toEqual(['Rules'])
    expect(menu.row.find((l) => l.active)?.text).toBe('People')
  })

  it('has no More when everything fits', () => {
    const menu = menuFor(items.slice(0, 3), ['officer'], '/', service)
    expect(texts(menu.row)).toEqual(['Home', 'People', 'PACs'])
    expect(menu.more).toEqual([])
  })

  it('marks More as the current place on the More page and on a page under it', () => {
    expect(menuFor(items, ['admin'], '/more', service).row.at(-1)).toMatchObject({
      text: 'More',
      active: true,
    })
    const users = menuFor(items, ['admin'], '/admin/users?page=2', service)
    expect(users.row.at(-1)).toMatchObject({ text: 'More', active: true })
    expect(users.row.filter((l) => l.active)).toHaveLength(1)
    expect(menuFor(items, ['admin'], '/', service).row.at(-1)?.active).toBe(false)
  })

  it('gives a longer service name fewer items, so the row stays one', () => {
    const long = menuFor(items, ['admin'], '/', 'A Very Long Constabulary Name For Testing Purposes')
    expect(long.row.length).toBeLessThan(menuFor(items, ['admin'], '/', service).row.length)
    expect(long.row.at(-1)?.text).toBe('More')
  })
})
