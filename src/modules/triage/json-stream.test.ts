import { describe, expect, it } from 'vitest'
import { type JsonHandler, JsonStreamParser, JsonSyntaxError, ValueBuilder } from './json-stream.ts'
import { seededRandom } from './synthetic-images.ts'

/** Parses by feeding the text in pieces of `piece` characters, rebuilding the value. */
function parseInPieces(text: string, piece: number): unknown {
  const b = new ValueBuilder()
  const handler: JsonHandler = {
    startObject: () => b.startObject(),
    startArray: () => b.startArray(),
    endObject: () => b.end(),
    endArray: () => b.end(),
    key: (k) => b.key(k),
    value: (v) => b.value(v),
  }
  const parser = new JsonStreamParser(handler)
  for (let i = 0; i < text.length; i += piece) parser.write(text.slice(i, i + piece))
  parser.end()
  return b.result
}

function randomValue(random: () => number, depth: number): unknown {
  const pick = Math.floor(random() * (depth > 3 ? 4 : 6))
  switch (pick) {
    case 0:
      return Math.floor(random() * 1e6) / (random() < 0.5 ? 1 : 1000) - 500
    case 1:
      return ['plain', 'tab\there', 'quote " and \\ slash', 'é ü 漢字 😀', '\u0001ctl', ''][
        Math.floor(random() * 6)
      ]
    case 2:
      return [true, false, null][Math.floor(random() * 3)]
    case 3:
      return 1e21 * random()
    case 4:
      return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, depth + 1))
    default:
      return Object.fromEntries(
        Array.from({ length: Math.floor(random() * 4) }, (_, i) => [`k${i}`, randomValue(random, depth + 1)]),
      )
  }
}

describe('streaming JSON parser', () => {
  it('gives what JSON.parse gives, however the text is split', () => {
    const random = seededRandom(5)
    for (let n = 0; n < 200; n++) {
      const value = { root: randomValue(random, 0) }
      const text = JSON.stringify(value, null, n % 2 ? 2 : undefined)
      for (const piece of [1, 3, 7, 1000]) expect(parseInPieces(text, piece)).toEqual(JSON.parse(text))
    }
  })

  it('decodes escapes, including surrogate pairs split across chunks', () => {
    expect(parseInPieces('["\\ud83d\\ude00 \\u00e9\\n"]', 1)).toEqual(['😀 é\n'])
  })

  it('skips a byte order mark', () => {
    expect(parseInPieces('\uFEFF{"a":1}', 2)).toEqual({ a: 1 })
  })

  it.each([
    ['{"a":1,}', 1],
    ['{"a" 1}', 1],
    ['[1 2]', 1],
    ['{"a":\n\ntru}', 3],
    ['{"a":"x', 1],
    ['[1,\n2', 2],
    ['{"a":01x}', 1],
  ])('rejects %j naming line %i', (text, line) => {
    try {
      parseInPieces(text, 2)
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(JsonSyntaxError)
      expect((e as JsonSyntaxError).line).toBe(line)
    }
  })
})
