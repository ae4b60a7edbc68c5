import { describe, expect, it } from 'vitest'
import { nulReason, printable, storable, surrogateReason, unstorableReason, unstorableText } from './text.ts'

describe('text the database cannot store', () => {
  it.each([
    ['plain text', 'Amy Smith', undefined],
    ['accents, other scripts and emoji (a whole surrogate pair)', 'Zoë 王 👍', undefined],
    ['tabs and new lines', 'line 1\n\tline 2\r\n', undefined],
    ['the replacement character itself', '\uFFFD', undefined],
    ['a NUL', 'a\u0000b', nulReason],
    ['a NUL alone', '\u0000', nulReason],
    ['a high surrogate alone', 'a\uD83Db', surrogateReason],
    ['a high surrogate at the end', 'a\uD83D', surrogateReason],
    ['a low surrogate alone', '\uDC4Dx', surrogateReason],
    ['a pair in the wrong order', '\uDC4D\uD83D', surrogateReason],
  ])('%s', (_name, text, expected) => {
    expect(unstorableReason(text)).toBe(expected)
  })

  it('finds every string at fault in a value, keys too, with its dotted path', () => {
    expect(
      unstorableText({
        name: 'ok',
        address: { line: 'x\u0000', postcode: 'N1' },
        history: [{ note: 'fine' }, { note: '\uD800' }],
        tags: ['a', 'b\u0000'],
        count: 3,
        flag: true,
        none: null,
        'bad\u0000key': 'value',
      }),
    ).toEqual([
      { field: 'address.line', reason: nulReason },
      { field: 'history.1.note', reason: surrogateReason },
      { field: 'tags.1', reason: nulReason },
      { field: 'bad\\u0000key', reason: `its name ${nulReason}` },
    ])
  })

  it('names a string given alone by the name given, and finds nothing in a clean value', () => {
    expect(unstorableText('a\u0000', 'body')).toEqual([{ field: 'body', reason: nulReason }])
    expect(unstorableText({ a: ['b', { c: 'd' }], e: 1 })).toEqual([])
    expect(unstorableText(undefined)).toEqual([])
  })

  it('refuses nesting deeper than any record has', () => {
    let deep: unknown = 'x'
    for (let i = 0; i < 100; i++) deep = [deep]
    expect(unstorableText(deep)[0]?.reason).toMatch(/nested/)
  })

  it('takes out what cannot be stored, to show an answer again', () => {
    expect(storable('a\u0000b\uD800c\u0000')).toBe('ab\uFFFDc')
    expect(storable('Zoë 👍')).toBe('Zoë 👍')
  })

  it('writes what cannot be stored as its escape, to name it', () => {
    expect(printable('a\u0000b\uD800c')).toBe('a\\u0000b\\ud800c')
    expect(printable('👍')).toBe('👍')
  })
})
