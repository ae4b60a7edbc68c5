// Hashes one file: MD5 and SHA-1 from a single read, its kind from the first bytes, and for
// images a PDQ hash from the same bytes (the file is read once, never copied to disk).
import { createHash } from 'node:crypto'
import { open } from 'node:fs/promises'
import { decodeImage } from './decode.ts'
import { detectFileKind, type FileKind, SNIFF_BYTES } from './file-kind.ts'
import { type Dihedral, pdqHash, pdqHashDihedral } from './pdq.ts'

/** Images larger than this are exact-hashed but not decoded (no camera makes one). */
export const MAX_IMAGE_BYTES = 512 * 1024 * 1024
const READ_SIZE = 1024 * 1024

export interface FileHashes {
  md5: string
  sha1: string
  /** Bytes actually read, which can differ from the walked size if the file changed. */
  bytes: number
  kind: FileKind['kind']
  format?: string
  pdq?: string
  quality?: number
  /** The other 7 dihedral hashes, when asked for. */
  variants?: Partial<Record<Dihedral, string>>
  /** Why the file could not be read at all ('read'), or read but not decoded as an image ('decode'). */
  unreadable?: { stage: 'read' | 'decode'; reason: string }
}

export interface HashFileOptions {
  pdq: boolean
  dihedral: boolean
}

export async function hashFile(file: string, options: HashFileOptions): Promise<FileHashes> {
  const md5 = createHash('md5')
  const sha1 = createHash('sha1')
  let handle: Awaited<ReturnType<typeof open>> | undefined
  let bytes = 0
  let kind: FileKind = { kind: 'other' }
  let kept: Buffer[] | undefined
  try {
    handle = await open(file, 'r')
    const buffer = Buffer.allocUnsafe(READ_SIZE)
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, READ_SIZE, null)
      if (bytesRead === 0) break
      const chunk = buffer.subarray(0, bytesRead)
      md5.update(chunk)
      sha1.update(chunk)
      if (bytes === 0) {
        // A regular file's first read fills the buffer unless the file is shorter.
        kind = detectFileKind(chunk.subarray(0, SNIFF_BYTES))
        if (kind.kind === 'image' && options.pdq) kept = []
      }
      if (kept) {
        if (bytes + bytesRead > MAX_IMAGE_BYTES) kept = undefined
        else kept.push(Buffer.from(chunk))
      }
      bytes += bytesRead
    }
  } catch (e) {
    const err = e as NodeJS.ErrnoException
    return {
      md5: '',
      sha1: '',
      bytes,
      kind: kind.kind,
      unreadable: { stage: 'read', reason: `could not read the file: ${err.code ?? err.message}` },
    }
  } finally {
    await handle?.close()
  }
  const result: FileHashes = { md5: md5.digest('hex'), sha1: sha1.digest('hex'), bytes, kind: kind.kind }
  if (kind.kind !== 'other') result.format = kind.format
  if (kind.kind !== 'image' || !options.pdq) return result
  if (!kept) {
    result.unreadable = {
      stage: 'decode',
      reason: `image larger than ${MAX_IMAGE_BYTES / 1024 / 1024} MB, not decoded`,
    }
    return result
  }
  try {
    const pixels = await decodeImage(Buffer.concat(kept, bytes))
    if (options.dihedral) {
      const { hash, quality, variants } = pdqHashDihedral(pixels)
      const { original: _, ...others } = variants
      Object.assign(result, { pdq: hash, quality, variants: others })
    } else {
      const { hash, quality } = pdqHash(pixels)
      Object.assign(result, { pdq: hash, quality })
    }
  } catch (e) {
    result.unreadable = { stage: 'decode', reason: decodeFailure(kind, e) }
  }
  return result
}

function decodeFailure(kind: FileKind, e: unknown): string {
  const message = (e as Error).message.split('\n')[0]?.trim() ?? 'unknown error'
  if (
    kind.kind === 'image' &&
    kind.format === 'heif' &&
    /heif|compression format|codec|support/i.test(message)
  ) {
    return `HEIC image: this build's decoder cannot read HEVC-coded HEIF (${message})`
  }
  return `corrupt or truncated ${kind.kind === 'image' ? kind.format.toUpperCase() : 'file'}: ${message}`
}
