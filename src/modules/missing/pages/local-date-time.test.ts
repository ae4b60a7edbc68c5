import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { parseForm } from '../../../platform/http/form.ts'
import { fromLocalInput, localDateTime, toLocalInput } from './local-date-time.ts'

describe('datetime-local boxes in London time', () => {
  it('reads a London clock time in winter and in summer', () => {
    expect(fromLocalInput('2018-01-15T22:00')?.toISOString()).toBe('2018-01-15T22:00:00.000Z')
    expect(fromLocalInput('2018-08-01T21:30')?.toISOString()).toBe('2018-08-01T20:30:00.000Z')
  })

  it('writes an instant back as the London clock time, on the London day', () => {
    expect(toLocalInput(new Date('2018-07-31T23:30:00Z'))).toBe('2018-08-01T00:30')
    expect(toLocalInput(new Date('2018-01-15T22:00:00Z'))).toBe('2018-01-15T22:00')
    expect(toLocalInput(null)).toBe('')
    for (const value of ['2018-03-25T03:15', '2018-10-28T12:00', '2018-06-30T23:59']) {
      expect(toLocalInput(fromLocalInput(value))).toBe(value)
    }
  })

  it('names no instant for text that is not a date and time', () => {
    for (const value of [
      '',
      '2018-08-01',
      '2018-13-01T10:00',
      '2018-02-30T10:00',
      '2018-08-01T24:00',
      'soon',
    ]) {
      expect(fromLocalInput(value)).toBeNull()
    }
  })

  it('as a form field: required, optional, and the message naming the time', () => {
    const form = z.object({
      reportedAt: localDateTime({ label: 'report time' }),
      reviewDueAt: localDateTime({ label: 'review time', required: false }),
    })
    const empty = parseForm(form, {})
    expect(empty.ok).toBe(false)
    if (!empty.ok)
      expect(empty.state.errors).toEqual([{ text: 'Enter the report time', href: '#reportedAt' }])
    const wrong = parseForm(form, { reportedAt: '2018-13-01T10:00', reviewDueAt: 'tomorrow' })
    if (wrong.ok) throw new Error('accepted a month 13')
    expect(wrong.state.errors.map((e) => e.text)).toEqual([
      'Enter the report time as a date and time, like 2018-08-01 21:30',
      'Enter the review time as a date and time, like 2018-08-01 21:30',
    ])
    const good = parseForm(form, { reportedAt: '2018-08-01T21:30' })
    if (!good.ok) throw new Error('refused a good time')
    expect(good.input.reportedAt.toISOString()).toBe('2018-08-01T20:30:00.000Z')
    expect(good.input.reviewDueAt).toBeNull()
  })
})
