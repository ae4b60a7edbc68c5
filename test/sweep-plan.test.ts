import { describe, expect, it } from 'vitest'
import type { SweepRecord } from './sweep-fixture.ts'
import { fill, isApiPath, Markers, paramsOf, prefixThrough, tuplesFrom } from './sweep-plan.ts'

describe('the sweep’s route patterns', () => {
  it('reads parameters in order and the page that names each', () => {
    expect(paramsOf('/people/:id/merge/:otherId')).toEqual(['id', 'otherId'])
    expect(paramsOf('/pacs')).toEqual([])
    expect(prefixThrough('/people/:id/flags/:recordId/end', 0)).toBe('/people/:id')
    expect(prefixThrough('/people/:id/flags/:recordId/end', 1)).toBe('/people/:id/flags/:recordId')
    expect(prefixThrough('/api/v1/devices/:ref', 0)).toBe('/api/v1/devices/:ref')
  })

  it('fills parameters in order, encoded', () => {
    expect(fill('/people/:id/merge/:otherId', ['a', 'b/c'])).toBe('/people/a/merge/b%2Fc')
  })

  it('tells the API from pages as the shell does', () => {
    expect(isApiPath('/api/v1/pacs')).toBe(true)
    expect(isApiPath('/metrics')).toBe(true)
    expect(isApiPath('/api/docs')).toBe(false)
    expect(isApiPath('/pacs')).toBe(false)
  })

  it('varies one parameter at a time from distinct first values, and skips a borough missing one', () => {
    expect(
      tuplesFrom([
        ['p1', 'p2'],
        ['p1', 'p2'],
      ]),
    ).toEqual([
      ['p1', 'p2'],
      ['p2', 'p2'],
      ['p1', 'p1'],
    ])
    expect(tuplesFrom([['x'], []])).toEqual([])
  })
})

describe('finding another area’s records in an answer', () => {
  const record = (over: Partial<SweepRecord>): SweepRecord => ({
    kind: 'pac',
    borough: 'M',
    id: '11111111-2222-4333-8444-555555555555',
    ref: 'SWPAC-M',
    names: ['Sweepmoved'],
    sensitive: true,
    personIndex: false,
    inPaths: true,
    ...over,
  })

  it('finds ids, refs and names, whatever their case', () => {
    const markers = new Markers([record({})])
    expect(
      markers.leaksIn('<a href="/pacs/11111111-2222-4333-8444-555555555555">swpac-m</a> SWEEPMOVED'),
    ).toEqual(['child of M by name sweepmoved', 'pac SWPAC-M (M) by id', 'pac SWPAC-M (M) by ref'])
  })

  it('does not take a longer ref or an unknown id for a known one, and ignores what is not secret', () => {
    const markers = new Markers([
      record({}),
      record({
        kind: 'team',
        id: 'aaaaaaaa-2222-4333-8444-555555555555',
        ref: null,
        names: [],
        sensitive: false,
      }),
    ])
    expect(
      markers.leaksIn(
        'SWPAC-MX SWPAC-A1 99999999-2222-4333-8444-555555555555 aaaaaaaa-2222-4333-8444-555555555555',
      ),
    ).toEqual([])
  })
})
