import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { pgliteTemplateFile } from '../../../test/database.ts'
import { dataFolderHolder, lockFileName } from './data-folder-lock.ts'
import { DatabaseStartError, openPglite } from './database.ts'

/** Runs Node (with tsx) in its own process, as an operator would run kestrel beside a running server. */
function node(args: string[], env: NodeJS.ProcessEnv = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
      env: { PATH: process.env.PATH, NODE_ENV: 'test', KESTREL_LOG_LEVEL: 'silent', ...env },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => {
      stdout += chunk
    })
    child.stderr.on('data', (chunk) => {
      stderr += chunk
    })
    child.on('exit', (code) => resolve({ code, stdout, stderr }))
  })
}

const kestrel = (args: string[], env: NodeJS.ProcessEnv) => node(['src/cli/main.ts', ...args], env)

/** The pid of a process that has been and gone. */
function deadPid(): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', ''])
    child.on('exit', () => resolve(child.pid as number))
  })
}

describe('one process per embedded database folder', () => {
  let folder: string
  let dataDir: string
  beforeAll(async () => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'kestrel-lock-'))
    dataDir = path.join(folder, 'data')
    const seeded = await openPglite(dataDir, new Blob([fs.readFileSync(pgliteTemplateFile)]))
    await seeded.close()
  })
  afterAll(() => {
    fs.rmSync(folder, { recursive: true, force: true })
  })

  it('refuses a second process while the first holds the folder, naming the holder and what to do', async () => {
    const held = await openPglite(dataDir)
    try {
      expect(dataFolderHolder(dataDir)).toMatchObject({ pid: process.pid, host: os.hostname() })
      const second = await kestrel(['audit', 'verify'], { KESTREL_DATA_DIR: dataDir })
      expect(second.code).toBe(1)
      const message = second.stderr
      expect(message).toContain(
        `kestrel audit: The embedded database in ${dataDir} is in use by another Kestrel process`,
      )
      expect(message).toContain(`pid ${process.pid} on ${os.hostname()}`)
      expect(message).toMatch(/since \d{4}-\d\d-\d\dT/)
      expect(message).toContain('Stop that process first')
      expect(message).toContain('the API')
      expect(message).toContain('DATABASE_URL')
      expect(message).not.toMatch(/\n\s+at /) // one line, no stack trace
      // Refused, it wrote nothing: the lock is still the first process's.
      expect(dataFolderHolder(dataDir)?.pid).toBe(process.pid)
    } finally {
      await held.close()
    }
    expect(fs.existsSync(path.join(dataDir, lockFileName))).toBe(false)
    const after = await kestrel(['audit', 'verify'], { KESTREL_DATA_DIR: dataDir })
    expect(after.stderr).toBe('')
    expect(after).toMatchObject({ code: 0, stdout: 'Access log verified: 0 entries, chain intact\n' })
  }, 120_000)

  it('refuses this process when a child process holds the folder, naming its command', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `import { openPglite } from './src/platform/db/database.ts'
         const handle = await openPglite(${JSON.stringify(dataDir)})
         console.log('open')
         process.stdin.once('data', async () => { await handle.close(); process.exit(0) })`,
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    )
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()))
    try {
      const refused = openPglite(dataDir)
      await expect(refused).rejects.toThrow(DatabaseStartError)
      await expect(refused).rejects.toThrow(`pid ${child.pid} on ${os.hostname()}`)
    } finally {
      const exited = new Promise((resolve) => child.on('exit', resolve))
      child.stdin.write('close\n')
      await exited
    }
    const reopened = await openPglite(dataDir)
    await reopened.close()
  }, 120_000)

  it('lets go of the folder when the process exits without closing the database', async () => {
    const exited = await node([
      '--input-type=module',
      '-e',
      `import { openPglite } from './src/platform/db/database.ts'
       await openPglite(${JSON.stringify(dataDir)})
       process.exit(0)`,
    ])
    expect(exited.stderr).toBe('')
    expect(exited.code).toBe(0)
    expect(fs.existsSync(path.join(dataDir, lockFileName))).toBe(false)
  }, 120_000)

  it('takes over a lock left by a process that is no longer running, with a warning', async () => {
    const pid = await deadPid()
    const file = path.join(dataDir, lockFileName)
    const since = new Date().toISOString()
    fs.writeFileSync(
      file,
      JSON.stringify({ pid, host: os.hostname(), command: 'kestrel serve', since, token: 'x' }),
    )
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    try {
      const handle = await openPglite(dataDir)
      expect(dataFolderHolder(dataDir)?.pid).toBe(process.pid)
      await handle.close()
      expect(warn).toHaveBeenCalledWith(
        expect.stringContaining(`from pid ${pid} ("kestrel serve", since ${since})`),
      )
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('no longer running'))
    } finally {
      warn.mockRestore()
    }
    expect(fs.readdirSync(dataDir).filter((f) => f.startsWith(lockFileName))).toEqual([])
  })

  it('refuses a lock held on another host, since it cannot tell whether that process still runs', async () => {
    const file = path.join(dataDir, lockFileName)
    fs.writeFileSync(
      file,
      JSON.stringify({
        pid: 1,
        host: 'other-host',
        command: 'kestrel serve',
        since: new Date().toISOString(),
        token: 'y',
      }),
    )
    try {
      await expect(openPglite(dataDir)).rejects.toThrow(/pid 1 on other-host.*cannot tell.*delete/)
      expect(dataFolderHolder(dataDir)?.host).toBe('other-host')
    } finally {
      fs.rmSync(file)
    }
  })

  it('refuses a second open of the folder in the same process, and needs no lock in memory', async () => {
    const first = await openPglite(dataDir)
    try {
      await expect(openPglite(dataDir)).rejects.toThrow(/already open in this process/)
      const memory = await Promise.all([openPglite(undefined), openPglite(undefined)])
      for (const handle of memory) await handle.close()
    } finally {
      await first.close()
    }
    const again = await openPglite(dataDir)
    await again.close()
  }, 60_000)

  it('keeps its own lock when it loads a dump carrying the lock of the process that made it', async () => {
    const source = await openPglite(dataDir)
    const dump = await (source.pglite as NonNullable<typeof source.pglite>).dumpDataDir('none')
    const target = path.join(folder, 'loaded')
    try {
      const loaded = await openPglite(target, dump)
      const sourceToken = dataFolderHolder(dataDir)?.token
      expect(dataFolderHolder(target)?.token).not.toBe(sourceToken)
      await loaded.close()
      expect(fs.existsSync(path.join(target, lockFileName))).toBe(false)
    } finally {
      await source.close()
    }
  }, 60_000)
})
