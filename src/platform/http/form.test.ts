import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { parseForm, readForm } from './form.ts'
import { formList, formText } from './form-body.ts'
import {
  checkbox,
  checkboxes,
  dateInput,
  dateTimeInput,
  optionalText,
  parseTime,
  radios,
  recordVersion,
  text,
  wholeNumber,
  yesNo,
} from './form-fields.ts'

const parse = <S extends z.ZodObject<z.ZodRawShape>>(schema: S, body: Record<string, unknown>) =>
  parseForm(schema, body)

describe('reading a form body', () => {
  it('reads a box trimmed, and anything but one string as empty', () => {
    expect(formText({ a: '  x  ' }, 'a')).toBe('x')
    expect(formText({ a: ['x', 'y'] }, 'a')).toBe('')
    expect(formText(undefined, 'a')).toBe('')
  })

  it('reads checkboxes as a list whether none, one or many were ticked', () => {
    expect(formList({}, 'roles')).toEqual([])
    expect(formList({ roles: 'admin' }, 'roles')).toEqual(['admin'])
    expect(formList({ roles: ['admin', ' mash ', ''] }, 'roles')).toEqual(['admin', 'mash'])
  })

  it('gathers each field as its input sends it, dates from their three boxes', () => {
    const schema = z.object({
      name: text(),
      roles: checkboxes(),
      startDate: dateInput({ label: 'Start date' }),
      seenAt: dateTimeInput({ label: 'Date seen' }),
    })
    expect(
      readForm(schema, {
        name: ' Jo ',
        roles: 'a',
        'startDate-day': '1',
        'startDate-month': '2',
        'startDate-year': '2024',
        'seenAt-day': '3',
        'seenAt-time': '14:30',
      }),
    ).toEqual({
      name: 'Jo',
      roles: ['a'],
      startDate: { day: '1', month: '2', year: '2024' },
      seenAt: { day: '3', month: '', year: '', time: '14:30' },
    })
  })
})

describe('the pieces', () => {
  it('text: required with its own message, and a length limit', () => {
    const schema = z.object({ name: text({ required: 'Enter the name', maxLength: 3, tooLong: 'Too long' }) })
    expect(parse(schema, { name: ' Jo ' })).toMatchObject({ ok: true, input: { name: 'Jo' } })
    expect(parse(schema, { name: '  ' })).toMatchObject({
      ok: false,
      state: { errors: [{ text: 'Enter the name', href: '#name' }] },
    })
    expect(parse(schema, { name: 'Jonah' })).toMatchObject({
      ok: false,
      state: { errors: [{ text: 'Too long' }] },
    })
    expect(parse(z.object({ role: optionalText() }), {})).toMatchObject({ ok: true, input: { role: null } })
  })

  it('wholeNumber: empty is null, anything but digits is refused, and a range with its message', () => {
    const schema = z.object({
      capacity: wholeNumber({
        message: 'Capacity must be a whole number',
        min: 1,
        max: 10,
        outOfRange: 'From 1 to 10',
      }),
    })
    expect(parse(schema, { capacity: '' })).toMatchObject({ ok: true, input: { capacity: null } })
    expect(parse(schema, { capacity: '7' })).toMatchObject({ ok: true, input: { capacity: 7 } })
    expect(parse(schema, { capacity: 'lots' })).toMatchObject({
      ok: false,
      state: { fieldErrors: { capacity: { text: 'Capacity must be a whole number' } } },
    })
    expect(parse(schema, { capacity: '-1' })).toMatchObject({ ok: false })
    expect(parse(schema, { capacity: '11' })).toMatchObject({
      ok: false,
      state: { fieldErrors: { capacity: { text: 'From 1 to 10' } } },
    })
  })

  it('radios: one of the values, or the message', () => {
    const schema = z.object({ rank: radios(['constable', 'sergeant'], 'Select the rank') })
    expect(parse(schema, { rank: 'sergeant' })).toMatchObject({ ok: true, input: { rank: 'sergeant' } })
    for (const rank of ['', 'general', undefined]) {
      expect(parse(schema, { rank })).toMatchObject({
        ok: false,
        state: { errors: [{ text: 'Select the rank', href: '#rank' }] },
      })
    }
  })

  it('yesNo and a single checkbox', () => {
    const schema = z.object({ active: yesNo('Select whether the account is active'), serving: checkbox() })
    expect(parse(schema, { active: 'no', serving: 'yes' })).toMatchObject({
      ok: true,
      input: { active: false, serving: true },
    })
    expect(parse(schema, { active: 'yes' })).toMatchObject({
      ok: true,
      input: { active: true, serving: false },
    })
    expect(parse(schema, {})).toMatchObject({
      ok: false,
      state: { errors: [{ text: 'Select whether the account is active', href: '#active' }] },
    })
  })

  it('checkboxes: one or many as a list, required, and only the values offered', () => {
    const schema = z.object({
      roles: checkboxes({
        values: ['admin', 'mash'],
        required: 'Select at least one role',
        unknown: 'Select a role from the list',
      }),
    })
    expect(parse(schema, { roles: 'mash' })).toMatchObject({ ok: true, input: { roles: ['mash'] } })
    expect(parse(schema, { roles: ['mash', 'admin'] })).toMatchObject({
      ok: true,
      input: { roles: ['mash', 'admin'] },
    })
    expect(parse(schema, {})).toMatchObject({
      ok: false,
      state: { errors: [{ text: 'Select at least one role', href: '#roles' }] },
    })
    expect(parse(schema, { roles: 'wizard' })).toMatchObject({
      ok: false,
      state: { errors: [{ text: 'Select a role from the list' }] },
    })
  })

  it('dateInput: the design system messages, linking to the first box in error', () => {
    const schema = z.object({ startDate: dateInput({ label: 'Start date' }) })
    const date = (day: string, month: string, year: string) =>
      parse(schema, { 'startDate-day': day, 'startDate-month': month, 'startDate-year': year })
    expect(date('27', '3', '2021')).toMatchObject({ ok: true, input: { startDate: '2021-03-27' } })
    expect(date('1', 'March', '2021')).toMatchObject({ ok: true, input: { startDate: '2021-03-01' } })
    const cases: [string, string, string, string, string][] = [
      ['', '', '', 'Enter start date', '#startDate-day'],
      ['', '4', '2021', 'Start date must include a day', '#startDate-day'],
      ['1', '', '', 'Start date must include a month and year', '#startDate-month'],
      ['1', '13', '2021', 'Start date must be a real date', '#startDate-day'],
      ['1', 'Marchx', '2021', 'Start date must be a real date', '#startDate-month'],
      ['1', '4', '21', 'Year must include 4 numbers', '#startDate-year'],
      ['31', '2', '2020', 'Start date must be a real date', '#startDate-day'],
    ]
    for (const [day, month, year, text, href] of cases) {
      const result = date(day, month, year)
      expect(result, `${day}/${month}/${year}`).toMatchObject({
        ok: false,
        state: { errors: [{ text, href }] },
      })
    }
    const missingYear = date('1', '4', '')
    if (missingYear.ok) throw new Error('expected an error')
    expect(missingYear.state.values.startDate).toEqual({ day: '1', month: '4', year: '' })
    expect(
      missingYear.state.dateItems('startDate').map((i) => [i.value, i.classes.includes('error')]),
    ).toEqual([
      ['1', false],
      ['4', false],
      ['', true],
    ])
    const optional = z.object({ endDate: dateInput({ label: 'End date', required: false }) })
    expect(parse(optional, {})).toMatchObject({ ok: true, input: { endDate: null } })
  })

  it('dateTimeInput: a London wall-clock time, the time box linked when it is the problem', () => {
    const schema = z.object({ seenAt: dateTimeInput({ label: 'Date seen' }) })
    const at = (time: string) =>
      parse(schema, { 'seenAt-day': '3', 'seenAt-month': '3', 'seenAt-year': '2024', 'seenAt-time': time })
    expect(at('9.05')).toMatchObject({ ok: true, input: { seenAt: '2024-03-03T09:05' } })
    expect(at('')).toMatchObject({
      ok: false,
      state: { errors: [{ text: 'Enter the time for date seen', href: '#seenAt-time' }] },
    })
    expect(at('25:00')).toMatchObject({
      ok: false,
      state: {
        errors: [{ href: '#seenAt-time' }],
        fieldErrors: { 'seenAt-time': { text: 'Enter the time on the 24-hour clock, like 14:30' } },
      },
    })
    expect(parse(schema, { 'seenAt-time': '10:00' })).toMatchObject({
      ok: false,
      state: { errors: [{ href: '#seenAt-day' }] },
    })
    expect(parseTime('1430')).toBe('14:30')
    expect(parseTime('14:60')).toBeNull()
  })

  it('recordVersion: a hidden field, its problem kept apart from the ones a person can correct', () => {
    const schema = z.object({ name: text({ required: 'Enter the name' }), version: recordVersion() })
    expect(parse(schema, { name: 'x', version: '3' })).toMatchObject({ ok: true, input: { version: 3 } })
    const result = parse(schema, { name: '' })
    expect(result).toMatchObject({
      ok: false,
      hiddenErrors: [{ field: 'version', reason: 'Missing record version' }],
      state: { errors: [{ text: 'Enter the name', href: '#name' }] },
    })
  })
})

describe('error order', () => {
  it('lists errors in the order the fields appear on the form, not the order they were found', () => {
    // The check on the staff number runs after every field (as a rule across fields would), so zod
    // finds its problem last: the summary still follows the form.
    const schema = z
      .object({
        staffNumber: text(),
        name: text({ required: 'Enter the name' }),
        rank: radios(['constable'], 'Select the rank'),
        startDate: dateInput({ label: 'Start date' }),
        active: checkbox(),
      })
      .superRefine((values, ctx) => {
        if (!values.staffNumber)
          ctx.addIssue({ code: 'custom', message: 'Enter the staff number', path: ['staffNumber'] })
      })
    const result = parse(schema, {
      rank: 'constable',
      'startDate-day': '1',
      'startDate-month': '4',
      'startDate-year': '2021',
    })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.state.errors).toEqual([
      { text: 'Enter the staff number', href: '#staffNumber' },
      { text: 'Enter the name', href: '#name' },
    ])
  })

  it('links a date to its first box in error, wherever the date sits', () => {
    const schema = z.object({
      name: text({ required: 'Enter the name' }),
      startDate: dateInput({ label: 'Start date' }),
      rank: radios(['constable'], 'Select the rank'),
    })
    const result = parse(schema, { 'startDate-day': '1' })
    if (result.ok) throw new Error('expected errors')
    expect(result.state.errors).toEqual([
      { text: 'Enter the name', href: '#name' },
      { text: 'Start date must include a month and year', href: '#startDate-month' },
      { text: 'Select the rank', href: '#rank' },
    ])
    expect(result.state.errorParts).toEqual({ startDate: ['month', 'year'] })
  })

  it('keeps one error per field, the first found', () => {
    const schema = z
      .object({ name: text({ required: 'Enter the name' }), other: text() })
      .superRefine((_values, ctx) => {
        ctx.addIssue({ code: 'custom', message: 'Second', path: ['name'] })
        ctx.addIssue({ code: 'custom', message: 'Other', path: ['other'] })
      })
    const result = parse(schema, { name: '' })
    if (result.ok) throw new Error('expected errors')
    expect(result.state.errors.map((e) => e.text)).toEqual(['Enter the name', 'Other'])
    expect(result.state.fieldErrors).toEqual({ name: { text: 'Enter the name' }, other: { text: 'Other' } })
  })
})
