// Where the shared PDQ test vectors live: ../shared/triage-vectors beside the repository.
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'

// KESTREL_TRIAGE_VECTORS names another folder (and shows what a run without them says).
export const VECTORS_DIR = path.resolve(
  process.cwd(),
  process.env.KESTREL_TRIAGE_VECTORS || '../shared/triage-vectors',
)
export const VECTORS_PRESENT = existsSync(path.join(VECTORS_DIR, 'expected-pdq.csv'))
export const VECTORS_MISSING_MESSAGE = `PDQ test vectors not found at ${VECTORS_DIR}; skipping the vector tests`

export interface PdqVector {
  hash: string
  quality: number
  path: string
}

export function readPdqVectors(): PdqVector[] {
  const lines = readFileSync(path.join(VECTORS_DIR, 'expected-pdq.csv'), 'utf8').trim().split(/\r?\n/)
  return lines.slice(1).map((line) => {
    const [hash = '', quality = '', file = ''] = line.split(',')
    return { hash, quality: Number(quality), path: file }
  })
}
