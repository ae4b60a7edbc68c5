import { describe, expect, it } from 'vitest'
import { coercedInstant, isoDay, isoInstant, outOfRange } from './time-schemas.ts'

const messages = (result: { success: boolean; error?: { issues: { message: string }[] } }) =>
  result.success ? [] : (result.error?.issues.map((i) => i.message) ?? [])

describe('isoInstant', () => {
  const schema = isoInstant('must be a date and time')

  it.each([
    '2018-08-01T09:30:00Z',
    '2018-08-01T10:30:00+01:00',
    '1900-01-01T00:00:00Z',
    '2999-12-31T23:59:59Z',
  ])('takes %s', (value) => {
    expect(schema.safeParse(value)).toMatchObject({ success: true, data: value })
  })

  it.each([
    '0000-02-29T10:00:00Z',
    '0001-01-01T00:00:00+01:00',
    '1899-12-31T23:59:59Z',
    '3000-01-01T00:00:00Z',
    '9999-12-31T23:59:59-05:00',
  ])('refuses %s as out of range', (value) => {
    expect(messages(schema.safeParse(value))).toEqual([outOfRange])
  })

  it('leaves text that is not an instant to its own message', () => {
    expect(messages(schema.safeParse('yesterday'))).toEqual(['must be a date and time'])
  })
})

describe('coercedInstant', () => {
  const schema = coercedInstant('must be a date and time')

  it('reads ISO text and a millisecond count', () => {
    expect(schema.parse('2018-08-01T09:30:00Z')).toEqual(new Date('2018-08-01T09:30:00Z'))
    expect(schema.parse(Date.UTC(2018, 7, 1))).toEqual(new Date('2018-08-01T00:00:00Z'))
  })

  it.each([null, false, true, [], {}, 'not a date'])('refuses %j with the message, not as 1970', (value) => {
    expect(messages(schema.safeParse(value))).toEqual(['must be a date and time'])
  })

  it.each([
    '0000-01-01',
    '0001-01-01',
    '+010000-01-01T00:00:00Z',
    '-000001-01-01T00:00:00Z',
    8.64e15,
    -8.64e15,
  ])('refuses %j as out of range', (value) => {
    expect(messages(schema.safeParse(value))).toEqual([outOfRange])
  })

  it('is optional when asked', () => {
    expect(schema.optional().parse(undefined)).toBeUndefined()
  })
})

describe('isoDay', () => {
  const schema = isoDay('must be a date as YYYY-MM-DD')

  it('takes a day from 1900 to 2999', () => {
    expect(schema.parse('1900-01-01')).toBe('1900-01-01')
    expect(schema.parse('2999-12-31')).toBe('2999-12-31')
  })

  it.each(['0000-01-01', '0000-02-29', '1899-12-31', '3000-01-01'])('refuses %s as out of range', (value) => {
    expect(messages(schema.safeParse(value))).toEqual([outOfRange])
  })

  it('leaves a day that does not exist to its own message', () => {
    expect(messages(schema.safeParse('2023-02-30'))).toEqual(['must be a date as YYYY-MM-DD'])
  })
})
