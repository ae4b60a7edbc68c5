import { describe, expect, it } from 'vitest'
import { listHref, pageOfList, sortAsked, sortHeaders } from './pagination.ts'

const columns = [
  { key: 'ref', text: 'Reference' },
  { key: 'opened', text: 'Opened', first: 'desc' as const },
]

describe('a list’s links', () => {
  it('keep every filter asked for, a name sent twice twice, and change only the page', () => {
    const query = { borough: 'b1', stage: 'closed', q: 'noah clarke', flag: ['a', 'b'], page: '3', empty: '' }
    expect(listHref('/pacs', query, { page: '4' })).toBe(
      '/pacs?borough=b1&stage=closed&q=noah+clarke&flag=a&flag=b&page=4',
    )
    const { pagination, shownFrom, shownTo } = pageOfList({
      path: '/pacs',
      query,
      page: 3,
      size: 50,
      total: 130,
      shown: 30,
    })
    expect([shownFrom, shownTo]).toEqual([101, 130])
    expect(pagination?.previous?.href).toBe(
      '/pacs?borough=b1&stage=closed&q=noah+clarke&flag=a&flag=b&page=2',
    )
  })

  it('sort from the first page, the filters kept, the sorted column turned round', () => {
    const query = { borough: 'b1', sort: 'ref', direction: 'asc', page: '2' }
    const sorted = sortAsked(query, columns, { key: 'opened', direction: 'desc' })
    expect(sorted).toEqual({ key: 'ref', direction: 'asc' })
    const [ref, opened] = sortHeaders('/x', query, columns, sorted)
    expect(ref).toMatchObject({ ariaSort: 'ascending', href: '/x?borough=b1&sort=ref&direction=desc' })
    expect(opened).toMatchObject({ ariaSort: 'none', href: '/x?borough=b1&sort=opened&direction=desc' })
  })

  it('read an order not offered as the list’s own, and a column without a direction in its first order', () => {
    expect(sortAsked({ sort: 'password' }, columns, { key: 'opened', direction: 'desc' })).toEqual({
      key: 'opened',
      direction: 'desc',
    })
    expect(
      sortAsked({ sort: 'opened', direction: 'sideways' }, columns, { key: 'ref', direction: 'asc' }),
    ).toEqual({ key: 'opened', direction: 'desc' })
  })
})
