// The triage journal: one JSON line per file as soon as it is hashed, in the output folder.
// If the run is interrupted (Ctrl-C, power, a laptop lid) nothing finished is lost, and a
// resumed run skips every file whose path, size and modification time are unchanged.
// A line cut short by a crash is ignored, so the file is re-hashed.
import { createReadStream } from 'node:fs'
import { appendFile, open, stat } from 'node:fs/promises'
import { createInterface } from 'node:readline'
import type { FileHashes } from './file-hasher.ts'

export const JOURNAL_FILE = 'journal.jsonl'

export interface JournalHeader {
  journal: 'kestrel-triage'
  version: 1
  device: string
  root: string
  startedAt: string
}

export interface JournalEntry extends FileHashes {
  path: string
  size: number
  mtimeMs: number
}

export interface JournalContents {
  header: JournalHeader | undefined
  entries: Map<string, JournalEntry>
}

export async function readJournal(file: string): Promise<JournalContents> {
  const entries = new Map<string, JournalEntry>()
  let header: JournalHeader | undefined
  if (!(await stat(file).catch(() => undefined))) return { header, entries }
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY })
  for await (const line of lines) {
    let value: unknown
    try {
      value = JSON.parse(line)
    } catch {
      continue // the last line of an interrupted write
    }
    if (typeof value !== 'object' || value === null) continue
    if ((value as JournalHeader).journal === 'kestrel-triage') header = value as JournalHeader
    else if (typeof (value as JournalEntry).path === 'string')
      entries.set((value as JournalEntry).path, value as JournalEntry)
  }
  return { header, entries }
}

/** Journal entry still valid for this file (same size and modification time)? */
export function stillValid(
  entry: JournalEntry | undefined,
  size: number,
  mtimeMs: number,
): entry is JournalEntry {
  return (
    entry !== undefined &&
    entry.size === size &&
    entry.mtimeMs === mtimeMs &&
    entry.unreadable?.stage !== 'read'
  )
}

export class JournalWriter {
  private queue: string[] = []
  private flushing: Promise<void> = Promise.resolve()

  private constructor(private readonly file: string) {}

  static async open(file: string, header: JournalHeader | undefined): Promise<JournalWriter> {
    // A crash may have left half a line; start on a fresh one so the next entry parses.
    const existing = await stat(file).catch(() => undefined)
    if (existing && existing.size > 0) {
      const handle = await open(file, 'r')
      const last = Buffer.alloc(1)
      await handle.read(last, 0, 1, existing.size - 1)
      await handle.close()
      if (last[0] !== 0x0a) await appendFile(file, '\n')
    }
    const writer = new JournalWriter(file)
    if (header) await appendFile(file, `${JSON.stringify(header)}\n`)
    return writer
  }

  /** Queues an entry; lines are appended in batches, in order. */
  append(entry: JournalEntry): void {
    this.queue.push(`${JSON.stringify(entry)}\n`)
    if (this.queue.length >= 64) void this.flush()
  }

  flush(): Promise<void> {
    const lines = this.queue.join('')
    this.queue = []
    if (lines) this.flushing = this.flushing.then(() => appendFile(this.file, lines))
    return this.flushing
  }
}
