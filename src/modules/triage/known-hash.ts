// One entry of a hash list of known material, whatever format it came in.
import type { KnownCategory } from './categories.ts'

export interface KnownHash {
  md5?: string
  sha1?: string
  pdq?: string
  pdqQuality?: number
  category: KnownCategory
  /** The category as the list gave it, kept so an export gives back what was imported. */
  sourceCategory?: string
  mediaId?: string
  series?: string
  /** Passed through from VICS lists; Kestrel never computes PhotoDNA. */
  photoDna?: string
}

export const MD5_HEX = /^[0-9a-f]{32}$/
export const SHA1_HEX = /^[0-9a-f]{40}$/
export const PDQ_HEX = /^[0-9a-f]{64}$/

export class HashListError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(line === undefined ? message : `line ${line}: ${message}`)
    this.name = 'HashListError'
  }
}
