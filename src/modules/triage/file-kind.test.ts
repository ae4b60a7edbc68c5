import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { detectFileKind } from './file-kind.ts'

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))))
const box = (type: string, ...brands: string[]) => {
  const body = bytes(type, brands[0] ?? '', [0, 0, 0, 0], ...brands.slice(1))
  const size = Buffer.alloc(4)
  size.writeUInt32BE(body.length + 4)
  return Buffer.concat([size, body, Buffer.alloc(64)])
}

describe('file kind by content', () => {
  it.each([
    ['jpeg', bytes([0xff, 0xd8, 0xff, 0xe0])],
    ['png', bytes([0x89], 'PNG\r\n', [0x1a, 0x0a])],
    ['gif', bytes('GIF89a')],
    ['webp', bytes('RIFF', [1, 2, 3, 4], 'WEBPVP8 ')],
    ['bmp', bytes('BM', Array(12).fill(0), [40, 0, 0, 0])],
    ['tiff', bytes('II*', [0])],
    ['tiff', bytes('MM', [0, 42])],
    ['heif', box('ftyp', 'heic', 'mif1', 'heic')],
    ['heif', box('ftyp', 'mif1', 'mif1', 'miaf')],
    ['avif', box('ftyp', 'avif', 'mif1', 'avif')],
  ])('%s is an image', (format, head) => {
    expect(detectFileKind(head)).toEqual({ kind: 'image', format })
  })

  it.each([
    ['mp4', box('ftyp', 'isom', 'isom', 'iso2', 'mp41')],
    ['mov', box('ftyp', 'qt  ', 'qt  ')],
    ['3gp', box('ftyp', '3gp5', '3gp5')],
    ['mov', bytes([0, 0, 0, 8], 'moov')],
    ['avi', bytes('RIFF', [0, 0, 0, 0], 'AVI LIST')],
    ['matroska', bytes([0x1a, 0x45, 0xdf, 0xa3])],
    ['asf', bytes([0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11])],
    ['flv', bytes('FLV', [1])],
    ['mpeg', bytes([0, 0, 1, 0xba])],
    ['mpeg-ts', Buffer.concat([bytes([0x47]), Buffer.alloc(187), bytes([0x47])])],
  ])('%s is a video', (format, head) => {
    expect(detectFileKind(head)).toEqual({ kind: 'video', format })
  })

  it.each([
    ['text', bytes('hello world, BM and GIF are in here')],
    ['audio in an MP4 box', box('ftyp', 'M4A ', 'M4A ', 'mp42')],
    ['"BM" text', bytes('BMW service history')],
    ['empty', Buffer.alloc(0)],
    ['WAV', bytes('RIFF', [0, 0, 0, 0], 'WAVEfmt ')],
  ])('%s is something else', (_name, head) => {
    expect(detectFileKind(head)).toEqual({ kind: 'other' })
  })

  it('recognises what sharp writes', async () => {
    const base = sharp({ create: { width: 8, height: 8, channels: 3, background: '#345' } })
    expect(detectFileKind(await base.clone().jpeg().toBuffer())).toMatchObject({ format: 'jpeg' })
    expect(detectFileKind(await base.clone().png().toBuffer())).toMatchObject({ format: 'png' })
    expect(detectFileKind(await base.clone().webp().toBuffer())).toMatchObject({ format: 'webp' })
    expect(detectFileKind(await base.clone().gif().toBuffer())).toMatchObject({ format: 'gif' })
    expect(detectFileKind(await base.clone().tiff().toBuffer())).toMatchObject({ format: 'tiff' })
    expect(detectFileKind(await base.clone().avif().toBuffer())).toMatchObject({ format: 'avif' })
  })
})
