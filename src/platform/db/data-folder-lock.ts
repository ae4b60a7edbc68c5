import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/**
 * One process per embedded database. PGlite is PostgreSQL in a single process with no shared memory between
 * processes, so a second process opening the same folder (a `kestrel findings` beside `kestrel serve`) writes
 * pages the first does not know about and the folder can be corrupted. Whoever opens the folder first holds
 * a lock file in it; anyone else is refused and told who holds it and what to do instead.
 */

export const lockFileName = 'kestrel.lock'

export interface LockHolder {
  pid: number
  host: string
  command: string
  /** When the holder opened the folder, ISO. */
  since: string
  /** Tells this holding apart from another by the same pid (a lock file carried over in a data dump). */
  token: string
}

export class DataFolderLockedError extends Error {}

export interface DataFolderLock {
  file: string
  /**
   * Writes this process's lock again: loading a dumped data folder replaces the folder's files with the
   * dump's, the lock file of the process that made the dump among them.
   */
  reassert(): void
  /** Removes the lock file if it is still this holding's; safe to call more than once. */
  release(): void
}

/** Lock files this process holds, by token, released on exit however the process ends its event loop. */
const held = new Map<string, { file: string; token: string }>()
let exitHookInstalled = false

/** The command line as an operator would type it: "kestrel serve", not the path to main.ts. */
export function describeCommand(argv: readonly string[] = process.argv): string {
  const script = argv[1] ? path.basename(argv[1]) : 'node'
  const name = /^main\.[cm]?[jt]s$|^kestrel(\.js)?$/.test(script) ? 'kestrel' : script
  return [name, ...argv.slice(2)].join(' ')
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function readHolder(file: string): LockHolder | 'unreadable' | undefined {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockHolder>
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string' && typeof parsed.since === 'string')
      return {
        pid: parsed.pid,
        host: parsed.host,
        command: String(parsed.command ?? 'unknown command'),
        since: parsed.since,
        token: String(parsed.token ?? ''),
      }
  } catch {}
  return 'unreadable'
}

/**
 * Whether a holder is certainly gone: on this host, and its pid is not running, or it is this very process
 * under a token it does not hold (a dump's lock file), or it started before the machine last booted (its
 * pid now belongs to something else). A holder on another host cannot be checked from here.
 */
function isStale(holder: LockHolder): boolean {
  if (holder.host !== os.hostname()) return false
  if (holder.pid === process.pid) return !held.has(holder.token)
  if (!isAlive(holder.pid)) return true
  const bootedAt = Date.now() - os.uptime() * 1000
  const since = Date.parse(holder.since)
  return Number.isFinite(since) && since < bootedAt - 60_000
}

function ago(since: string): string {
  const minutes = Math.round((Date.now() - Date.parse(since)) / 60_000)
  if (!Number.isFinite(minutes)) return ''
  if (minutes < 1) return ' (less than a minute ago)'
  if (minutes < 120) return ` (${minutes} minute${minutes === 1 ? '' : 's'} ago)`
  return ` (${Math.round(minutes / 60)} hours ago)`
}

function refusal(dir: string, file: string, holder: LockHolder): string {
  const who = `pid ${holder.pid} on ${holder.host}, "${holder.command}", since ${holder.since}${ago(holder.since)}`
  if (holder.pid === process.pid && holder.host === os.hostname())
    return `The embedded database in ${dir} is already open in this process (${who}): close that handle first.`
  const elsewhere =
    holder.host === os.hostname()
      ? `If no such process is running, delete ${file}.`
      : `Kestrel cannot tell from ${os.hostname()} whether that process still runs; if it does not, delete ${file}.`
  return (
    `The embedded database in ${dir} is in use by another Kestrel process: ${who}. ` +
    'The embedded database serves one process at a time. Stop that process first (Ctrl-C, or SIGTERM to ' +
    `pid ${holder.pid}), or do this through the running server (its pages, or the API at /api/docs), ` +
    'or run Kestrel on PostgreSQL (DATABASE_URL), where commands can run beside a server. ' +
    elsewhere
  )
}

/** Creates the lock file holding `me`, complete or not at all: false if a lock file is already there. */
function tryCreate(file: string, me: LockHolder): boolean {
  const text = `${JSON.stringify(me)}\n`
  // Written aside, then linked into place: link fails if the name exists, as O_EXCL would, and a reader
  // never sees a half-written lock.
  const aside = `${file}.${me.pid}.${me.token}`
  fs.writeFileSync(aside, text, { flag: 'wx', mode: 0o644 })
  try {
    fs.linkSync(aside, file)
    return true
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EEXIST') return false
    // A file system without hard links: O_EXCL on the name itself.
    try {
      fs.writeFileSync(file, text, { flag: 'wx', mode: 0o644 })
      return true
    } catch (fallback) {
      if ((fallback as NodeJS.ErrnoException).code === 'EEXIST') return false
      throw fallback
    }
  } finally {
    fs.rmSync(aside, { force: true })
  }
}

/**
 * Moves a stale lock out of the way. Renamed, not deleted, so of two processes taking over at once only one
 * moves it; the one that finds it moved a lock that is not the stale one it judged puts it back.
 */
function takeOver(file: string, stale: LockHolder | 'unreadable', token: string): void {
  const moved = `${file}.stale-${token}`
  try {
    fs.renameSync(file, moved)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
    throw error
  }
  const found = readHolder(moved)
  const same =
    stale === 'unreadable'
      ? found === 'unreadable'
      : typeof found === 'object' && found.token === stale.token && found.pid === stale.pid
  if (!same) {
    try {
      fs.linkSync(moved, file)
    } catch {}
  }
  fs.rmSync(moved, { force: true })
}

function installExitHook() {
  if (exitHookInstalled) return
  exitHookInstalled = true
  // process.exit() (a server stopped past its limit, a test runner ending) skips every close(): the lock
  // must not outlive the process that held it, or the next start would have to take it over.
  process.on('exit', () => {
    for (const { file, token } of held.values()) removeIfOurs(file, token)
  })
}

function removeIfOurs(file: string, token: string) {
  const holder = readHolder(file)
  if (typeof holder === 'object' && holder.token === token) fs.rmSync(file, { force: true })
}

/**
 * Takes the data folder's lock for this process, or throws DataFolderLockedError naming the holder. A lock
 * left by a process that is no longer running is taken over with a warning.
 */
export function acquireDataFolderLock(
  dir: string,
  warn: (message: string) => void = (message) => console.warn(message),
): DataFolderLock {
  const folder = path.resolve(dir)
  const file = path.join(folder, lockFileName)
  const me: LockHolder = {
    pid: process.pid,
    host: os.hostname(),
    command: describeCommand(),
    since: new Date().toISOString(),
    token: randomUUID(),
  }
  for (let attempt = 0; ; attempt++) {
    if (tryCreate(file, me)) break
    const holder = readHolder(file)
    if (holder === undefined) continue // released between our try and our read
    if (holder !== 'unreadable' && !isStale(holder))
      throw new DataFolderLockedError(refusal(folder, file, holder))
    if (attempt >= 3) {
      throw new DataFolderLockedError(
        `Could not take the lock on the embedded database in ${folder}: other processes keep taking ${file}`,
      )
    }
    warn(
      holder === 'unreadable'
        ? `kestrel: ${file} could not be read; taking over the lock on the embedded database`
        : `kestrel: taking over the lock on the embedded database in ${folder} from pid ${holder.pid} ("${holder.command}", since ${holder.since}), which is no longer running; it did not close the database cleanly`,
    )
    takeOver(file, holder, me.token)
  }
  held.set(me.token, { file, token: me.token })
  installExitHook()
  return {
    file,
    reassert() {
      fs.writeFileSync(file, `${JSON.stringify(me)}\n`, { mode: 0o644 })
    },
    release() {
      if (!held.delete(me.token)) return
      removeIfOurs(file, me.token)
    },
  }
}

/** Who holds a data folder now, if anyone (for messages and tests). */
export function dataFolderHolder(dir: string): LockHolder | undefined {
  const holder = readHolder(path.join(path.resolve(dir), lockFileName))
  return typeof holder === 'object' ? holder : undefined
}
