// What a file is, from its first bytes, never its name: files on a seized device are often
// renamed to hide them (holiday.txt that is a JPEG).

export type FileKind =
  | { kind: 'image'; format: 'jpeg' | 'png' | 'gif' | 'webp' | 'bmp' | 'tiff' | 'heif' | 'avif' }
  | { kind: 'video'; format: 'mp4' | 'mov' | '3gp' | 'avi' | 'matroska' | 'asf' | 'flv' | 'mpeg' | 'mpeg-ts' }
  | { kind: 'other' }

/** Bytes needed to tell every kind apart (MPEG-TS needs its second sync byte at 188). */
export const SNIFF_BYTES = 192

const HEIF_BRANDS = new Set([
  'heic',
  'heix',
  'hevc',
  'hevx',
  'heim',
  'heis',
  'hevm',
  'hevs',
  'mif1',
  'msf1',
  'mif2',
])
const AVIF_BRANDS = new Set(['avif', 'avis'])
const AUDIO_BRANDS = new Set(['M4A ', 'M4B ', 'M4P ', 'F4A ', 'F4B '])
const QUICKTIME_ATOMS = new Set(['moov', 'mdat', 'wide', 'free', 'skip', 'pnot'])
const BMP_HEADER_SIZES = new Set([12, 16, 40, 52, 56, 64, 108, 124])

function ascii(b: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...b.subarray(start, start + length))
}

function startsWith(b: Uint8Array, bytes: readonly number[], at = 0): boolean {
  if (b.length < at + bytes.length) return false
  return bytes.every((x, i) => b[at + i] === x)
}

export function detectFileKind(head: Uint8Array): FileKind {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return { kind: 'image', format: 'jpeg' }
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    return { kind: 'image', format: 'png' }
  if (ascii(head, 0, 6) === 'GIF87a' || ascii(head, 0, 6) === 'GIF89a')
    return { kind: 'image', format: 'gif' }
  if (ascii(head, 0, 4) === 'RIFF') {
    const type = ascii(head, 8, 4)
    if (type === 'WEBP') return { kind: 'image', format: 'webp' }
    if (type === 'AVI ') return { kind: 'video', format: 'avi' }
  }
  if (ascii(head, 0, 2) === 'BM' && head.length >= 18) {
    const dibSize = (head[14] as number) | ((head[15] as number) << 8) | ((head[16] as number) << 16)
    if (BMP_HEADER_SIZES.has(dibSize) && head[17] === 0) return { kind: 'image', format: 'bmp' }
  }
  if (startsWith(head, [0x49, 0x49, 0x2a, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2a])) {
    return { kind: 'image', format: 'tiff' }
  }
  if (ascii(head, 4, 4) === 'ftyp') {
    const size =
      (((head[0] as number) << 24) |
        ((head[1] as number) << 16) |
        ((head[2] as number) << 8) |
        (head[3] as number)) >>>
      0
    const brands = [ascii(head, 8, 4)]
    for (let at = 16; at + 4 <= Math.min(size, head.length); at += 4) brands.push(ascii(head, at, 4))
    if (brands.some((b) => AVIF_BRANDS.has(b))) return { kind: 'image', format: 'avif' }
    if (brands.some((b) => HEIF_BRANDS.has(b))) return { kind: 'image', format: 'heif' }
    const major = brands[0] as string
    if (AUDIO_BRANDS.has(major)) return { kind: 'other' }
    if (major === 'qt  ') return { kind: 'video', format: 'mov' }
    if (major.startsWith('3g')) return { kind: 'video', format: '3gp' }
    return { kind: 'video', format: 'mp4' }
  }
  if (QUICKTIME_ATOMS.has(ascii(head, 4, 4)) && head.length >= 8) {
    const size =
      (((head[0] as number) << 24) |
        ((head[1] as number) << 16) |
        ((head[2] as number) << 8) |
        (head[3] as number)) >>>
      0
    if (size >= 8) return { kind: 'video', format: 'mov' }
  }
  if (startsWith(head, [0x1a, 0x45, 0xdf, 0xa3])) return { kind: 'video', format: 'matroska' }
  if (startsWith(head, [0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11]))
    return { kind: 'video', format: 'asf' }
  if (ascii(head, 0, 3) === 'FLV' && head[3] === 1) return { kind: 'video', format: 'flv' }
  if (startsWith(head, [0x00, 0x00, 0x01, 0xba]) || startsWith(head, [0x00, 0x00, 0x01, 0xb3])) {
    return { kind: 'video', format: 'mpeg' }
  }
  if (head.length >= 189 && head[0] === 0x47 && head[188] === 0x47)
    return { kind: 'video', format: 'mpeg-ts' }
  return { kind: 'other' }
}
