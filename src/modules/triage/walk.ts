// Walks a mounted device image or folder. Never follows a symbolic link: a link out of the
// device would triage someone else's files, and a link loop would never end. Links, loops,
// special files (devices, FIFOs, sockets: opening a FIFO would block for ever) and folders that
// cannot be read are reported, so the report says what was not looked at.
import type { Dirent } from 'node:fs'
import { lstat, readdir, realpath, stat } from 'node:fs/promises'
import path from 'node:path'

export interface DeviceFile {
  type: 'file'
  /** Path relative to the device root, with '/' separators. */
  path: string
  absolute: string
  size: number
  mtimeMs: number
}

export type WalkProblemKind =
  | 'symlink-not-followed'
  | 'symlink-outside-device'
  | 'symlink-loop'
  | 'broken-symlink'
  | 'special-file'
  | 'unreadable-folder'
  | 'unreadable-file'
  | 'folder-loop'

export interface WalkProblem {
  type: 'problem'
  path: string
  problem: WalkProblemKind
  detail: string
}

export class DevicePathError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'DevicePathError'
  }
}

/** Checks the device path before any work starts, with a message an officer can act on. */
export async function checkDeviceRoot(root: string): Promise<string> {
  const absolute = path.resolve(root)
  const info = await stat(absolute).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT')
      throw new DevicePathError(`device path ${absolute} does not exist (is the device mounted?)`)
    if (e.code === 'EACCES')
      throw new DevicePathError(`device path ${absolute} cannot be read: permission denied`)
    throw new DevicePathError(`device path ${absolute} cannot be read: ${e.message}`)
  })
  if (!info.isDirectory()) throw new DevicePathError(`device path ${absolute} is not a folder`)
  return realpath(absolute)
}

function relative(root: string, absolute: string): string {
  return path.relative(root, absolute).split(path.sep).join('/')
}

function inside(root: string, target: string): boolean {
  const r = path.relative(root, target)
  return r === '' || (!r.startsWith('..') && !path.isAbsolute(r))
}

async function describeLink(
  root: string,
  absolute: string,
  ancestors: readonly string[],
): Promise<WalkProblem> {
  const rel = relative(root, absolute)
  try {
    const target = await realpath(absolute)
    if (!inside(root, target)) {
      return {
        type: 'problem',
        path: rel,
        problem: 'symlink-outside-device',
        detail: `points outside the device to ${target}`,
      }
    }
    if (ancestors.some((a) => a === target)) {
      return {
        type: 'problem',
        path: rel,
        problem: 'symlink-loop',
        detail: `points back to its own folder ${relative(root, target) || '.'}`,
      }
    }
    return {
      type: 'problem',
      path: rel,
      problem: 'symlink-not-followed',
      detail: `link to ${relative(root, target) || '.'}, which is triaged where it is`,
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ELOOP')
      return { type: 'problem', path: rel, problem: 'symlink-loop', detail: 'the link leads round in a loop' }
    return {
      type: 'problem',
      path: rel,
      problem: 'broken-symlink',
      detail: `target missing (${code ?? 'error'})`,
    }
  }
}

/** Files and problems under `root` (a real path from checkDeviceRoot), depth first, in name order. */
export async function* walkDevice(root: string): AsyncGenerator<DeviceFile | WalkProblem> {
  const visited = new Set<string>()
  const stack: { dir: string; ancestors: string[] }[] = [{ dir: root, ancestors: [] }]
  while (stack.length > 0) {
    const { dir, ancestors } = stack.pop() as { dir: string; ancestors: string[] }
    const rel = relative(root, dir) || '.'
    let entries: Dirent[]
    try {
      const info = await lstat(dir)
      const id = `${info.dev}:${info.ino}`
      if (visited.has(id)) {
        yield {
          type: 'problem',
          path: rel,
          problem: 'folder-loop',
          detail: 'this folder was already walked (bind mount or hard link)',
        }
        continue
      }
      visited.add(id)
      entries = await readdir(dir, { withFileTypes: true })
    } catch (e) {
      const err = e as NodeJS.ErrnoException
      yield { type: 'problem', path: rel, problem: 'unreadable-folder', detail: err.code ?? err.message }
      continue
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    const subfolders: string[] = []
    const lineage = [...ancestors, dir]
    for (const entry of entries) {
      const absolute = path.join(dir, entry.name)
      if (entry.isSymbolicLink()) {
        yield await describeLink(root, absolute, lineage)
      } else if (entry.isDirectory()) {
        subfolders.push(absolute)
      } else if (entry.isFile()) {
        try {
          const info = await lstat(absolute)
          yield {
            type: 'file',
            path: relative(root, absolute),
            absolute,
            size: info.size,
            mtimeMs: info.mtimeMs,
          }
        } catch (e) {
          const err = e as NodeJS.ErrnoException
          yield {
            type: 'problem',
            path: relative(root, absolute),
            problem: 'unreadable-file',
            detail: err.code ?? err.message,
          }
        }
      } else {
        const what = entry.isFIFO()
          ? 'named pipe'
          : entry.isSocket()
            ? 'socket'
            : entry.isBlockDevice()
              ? 'block device'
              : entry.isCharacterDevice()
                ? 'character device'
                : 'unknown type'
        yield {
          type: 'problem',
          path: relative(root, absolute),
          problem: 'special-file',
          detail: `${what}, not opened`,
        }
      }
    }
    for (let i = subfolders.length - 1; i >= 0; i--)
      stack.push({ dir: subfolders[i] as string, ancestors: lineage })
  }
}
