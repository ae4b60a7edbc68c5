// A small push tokenizer and parser for JSON that never holds the whole document: text is fed
// in chunks and the handler hears each structural event as it is read. Hash lists run to
// millions of records, so they must not be parsed with JSON.parse.

export interface JsonHandler {
  startObject(line: number): void
  endObject(line: number): void
  startArray(line: number): void
  endArray(line: number): void
  key(name: string, line: number): void
  value(value: string | number | boolean | null, line: number): void
}

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`)
    this.name = 'JsonSyntaxError'
  }
}

type Expect =
  | 'value' // a value (top level, after ':' or ',' in an array)
  | 'value-or-close' // just after '['
  | 'key-or-close' // just after '{'
  | 'key' // after ',' in an object
  | 'colon'
  | 'comma-or-close'
  | 'end'

const WHITESPACE = new Set([' ', '\t', '\n', '\r'])
const NUMBER_CHARS = /[0-9eE+\-.]/
const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/
const ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
}

export class JsonStreamParser {
  private line = 1
  private expect: Expect = 'value'
  private readonly stack: ('object' | 'array')[] = []
  // A token split across chunks:
  private inString = false
  private stringParts: string[] = []
  private escape = '' // '' none, '\\' just saw backslash, '\\uXXX' partial unicode escape
  private pendingHigh = '' // high surrogate waiting for its pair
  private bare = '' // number or literal being read
  private started = false

  constructor(private readonly handler: JsonHandler) {}

  write(chunk: string): void {
    let i = 0
    if (!this.started) {
      this.started = true
      if (chunk.charCodeAt(0) === 0xfeff) i = 1 // UTF-8 byte order mark
    }
    const n = chunk.length
    while (i < n) {
      if (this.inString) {
        i = this.readString(chunk, i)
        continue
      }
      const c = chunk[i] as string
      if (this.bare) {
        if (NUMBER_CHARS.test(c) || (c >= 'a' && c <= 'z')) {
          this.bare += c
          i++
          continue
        }
        this.finishBare()
      }
      i++
      if (WHITESPACE.has(c)) {
        if (c === '\n') this.line++
        continue
      }
      switch (c) {
        case '{':
          this.beginValue()
          this.stack.push('object')
          this.expect = 'key-or-close'
          this.handler.startObject(this.line)
          break
        case '[':
          this.beginValue()
          this.stack.push('array')
          this.expect = 'value-or-close'
          this.handler.startArray(this.line)
          break
        case '}':
          if (
            this.stack.at(-1) !== 'object' ||
            (this.expect !== 'key-or-close' && this.expect !== 'comma-or-close')
          ) {
            throw this.error("unexpected '}'")
          }
          this.stack.pop()
          this.handler.endObject(this.line)
          this.afterValue()
          break
        case ']':
          if (
            this.stack.at(-1) !== 'array' ||
            (this.expect !== 'value-or-close' && this.expect !== 'comma-or-close')
          ) {
            throw this.error("unexpected ']'")
          }
          this.stack.pop()
          this.handler.endArray(this.line)
          this.afterValue()
          break
        case ':':
          if (this.expect !== 'colon') throw this.error("unexpected ':'")
          this.expect = 'value'
          break
        case ',':
          if (this.expect !== 'comma-or-close') throw this.error("unexpected ','")
          this.expect = this.stack.at(-1) === 'object' ? 'key' : 'value'
          break
        case '"':
          if (this.expect === 'key' || this.expect === 'key-or-close') {
            this.inString = true
          } else {
            this.beginValue()
            this.inString = true
          }
          break
        default:
          if (NUMBER_CHARS.test(c) || (c >= 'a' && c <= 'z')) {
            this.beginValue()
            this.bare = c
          } else {
            throw this.error(`unexpected character ${JSON.stringify(c)}`)
          }
      }
    }
  }

  end(): void {
    if (this.inString) throw this.error('unterminated string')
    if (this.bare) this.finishBare()
    if (this.stack.length > 0 || this.expect !== 'end') throw this.error('unexpected end of document')
  }

  private error(message: string): JsonSyntaxError {
    return new JsonSyntaxError(message, this.line)
  }

  private beginValue(): void {
    if (this.expect !== 'value' && this.expect !== 'value-or-close') throw this.error('unexpected value')
  }

  private afterValue(): void {
    this.expect = this.stack.length === 0 ? 'end' : 'comma-or-close'
  }

  private finishBare(): void {
    const text = this.bare
    this.bare = ''
    let v: number | boolean | null
    if (text === 'true') v = true
    else if (text === 'false') v = false
    else if (text === 'null') v = null
    else if (NUMBER.test(text)) v = Number(text)
    else throw this.error(`invalid literal ${JSON.stringify(text)}`)
    this.handler.value(v, this.line)
    this.afterValue()
  }

  /** Reads string content from `i`; returns the next index. */
  private readString(chunk: string, start: number): number {
    let i = start
    const n = chunk.length
    while (i < n) {
      if (this.escape) {
        const c = chunk[i++] as string
        if (this.escape === '\\') {
          if (c === 'u') {
            this.escape = '\\u'
          } else {
            const e = ESCAPES[c]
            if (e === undefined) throw this.error(`invalid escape \\${c}`)
            this.pushText(e)
            this.escape = ''
          }
        } else {
          this.escape += c
          if (this.escape.length === 6) {
            const hex = this.escape.slice(2)
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw this.error(`invalid escape \\u${hex}`)
            this.escape = ''
            this.pushCodeUnit(Number.parseInt(hex, 16))
          }
        }
        continue
      }
      // Fast path: copy up to the next quote or backslash.
      let j = i
      while (j < n) {
        const code = chunk.charCodeAt(j)
        if (code === 0x22 || code === 0x5c) break
        if (code < 0x20) throw this.error('control character in string')
        j++
      }
      if (j > i) this.pushText(chunk.slice(i, j))
      if (j === n) return n
      if (chunk.charCodeAt(j) === 0x5c) {
        this.escape = '\\'
        i = j + 1
        continue
      }
      // closing quote
      this.inString = false
      const text = this.pendingHigh + this.stringParts.join('')
      this.pendingHigh = ''
      this.stringParts = []
      if (this.expect === 'key' || this.expect === 'key-or-close') {
        this.handler.key(text, this.line)
        this.expect = 'colon'
      } else {
        this.handler.value(text, this.line)
        this.afterValue()
      }
      return j + 1
    }
    return i
  }

  private pushText(text: string): void {
    if (this.pendingHigh) {
      this.stringParts.push(this.pendingHigh)
      this.pendingHigh = ''
    }
    this.stringParts.push(text)
  }

  private pushCodeUnit(code: number): void {
    if (code >= 0xd800 && code <= 0xdbff) {
      if (this.pendingHigh) this.stringParts.push(this.pendingHigh)
      this.pendingHigh = String.fromCharCode(code)
      return
    }
    const text = String.fromCharCode(code)
    if (this.pendingHigh && code >= 0xdc00 && code <= 0xdfff) {
      this.stringParts.push(this.pendingHigh + text)
      this.pendingHigh = ''
      return
    }
    this.pushText(text)
  }
}

/**
 * Builds plain values from events below some depth, for callers that want whole small
 * objects (one hash record) out of a huge stream.
 */
export class ValueBuilder {
  private readonly stack: { container: Record<string, unknown> | unknown[]; key: string | undefined }[] = []
  private pendingKey: string | undefined
  result: unknown

  get depth(): number {
    return this.stack.length
  }

  startObject(): void {
    this.open({})
  }
  startArray(): void {
    this.open([])
  }
  key(name: string): void {
    this.pendingKey = name
  }
  value(v: unknown): void {
    this.put(v)
  }
  /** Closes the innermost container; returns true when the outermost one is complete. */
  end(): boolean {
    const frame = this.stack.pop()
    if (!frame) return true
    this.pendingKey = frame.key
    this.put(frame.container)
    return this.stack.length === 0
  }

  private open(container: Record<string, unknown> | unknown[]): void {
    this.stack.push({ container, key: this.pendingKey })
    this.pendingKey = undefined
  }

  private put(v: unknown): void {
    const top = this.stack.at(-1)
    if (!top) {
      this.result = v
    } else if (Array.isArray(top.container)) {
      top.container.push(v)
    } else if (this.pendingKey !== undefined) {
      top.container[this.pendingKey] = v
    }
    this.pendingKey = undefined
  }
}
