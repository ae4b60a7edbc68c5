import { describe, expect, it } from 'vitest'
import { isUuid } from './ids.ts'

describe('isUuid', () => {
  it.each([
    ['4f6c1e0a-3b2d-4c5e-9f8a-1b2c3d4e5f60', true],
    ['4F6C1E0A-3B2D-4C5E-9F8A-1B2C3D4E5F60', true],
    ['00000000-0000-0000-0000-000000000000', true],
    ['4f6c1e0a-3b2d-4c5e-9f8a-1b2c3d4e5f6', false],
    ['4f6c1e0a-3b2d-4c5e-9f8a-1b2c3d4e5f600', false],
    ['4f6c1e0a3b2d4c5e9f8a1b2c3d4e5f60', false],
    ['{4f6c1e0a-3b2d-4c5e-9f8a-1b2c3d4e5f60}', false],
    ['4f6c1e0a-3b2d-4c5e-9f8a-1b2c3d4e5g60', false],
    [' 4f6c1e0a-3b2d-4c5e-9f8a-1b2c3d4e5f60', false],
    ['4f6c1e0a-3b2d-4c5e-9f8a-1b2c3d4e5f60\n', false],
    ['CH-000123', false],
    ['', false],
    [null, false],
    [undefined, false],
    [42, false],
  ])('%j is %s', (value, expected) => {
    expect(isUuid(value)).toBe(expected)
  })

  it('matches what crypto.randomUUID makes', () => {
    for (let i = 0; i < 100; i++) expect(isUuid(crypto.randomUUID())).toBe(true)
  })
})
