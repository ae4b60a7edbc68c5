import { describe, expect, it } from 'vitest'
import { safeReturnTo } from './return-to.ts'

describe('safeReturnTo', () => {
  it.each([
    ['/cases/123?tab=history', '/cases/123?tab=history'],
    ['/', '/'],
    ['//evil.example', '/'],
    ['https://evil.example/', '/'],
    ['http:/evil.example', '/'],
    ['/\\evil.example', '/'],
    ['\\\\evil.example', '/'],
    ['/%0d%0aLocation: x', '/%0d%0aLocation: x'],
    ['/a\r\nLocation: //evil', '/'],
    ['javascript:alert(1)', '/'],
    ['evil.example', '/'],
    ['', '/'],
    ['/login?returnTo=/x', '/'],
    [undefined, '/'],
    [['/a', '/b'], '/'],
  ])('%j -> %j', (input, expected) => {
    expect(safeReturnTo(input)).toBe(expected)
  })
})
