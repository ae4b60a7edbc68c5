import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { sql } from 'kysely'
import type { Config } from '../config.ts'
import { acquireDataFolderLock, DataFolderLockedError, lockFileName } from './data-folder-lock.ts'
import { type Database, DatabaseStartError, openPglite, openPostgres } from './database.ts'

/**
 * Backup and restore of either database, whole: the embedded one as PGlite's dump of its data folder (a
 * gzipped tar, the form `loadDataDir` reads back), PostgreSQL as pg_dump's custom format, restored by
 * pg_restore. A restore goes only into an empty database, unless told to replace what is there.
 */

export class BackupError extends Error {}

export type BackupFormat = 'pglite' | 'postgres'

/** What a backup file holds, from its first bytes. */
export function backupFormatOf(head: Buffer): BackupFormat | undefined {
  if (head.subarray(0, 5).toString('latin1') === 'PGDMP') return 'postgres'
  // gzip (what `kestrel backup` writes) or a plain tar (what PGlite's dumpDataDir('none') gives).
  if (head[0] === 0x1f && head[1] === 0x8b) return 'pglite'
  if (head.subarray(257, 262).toString('latin1') === 'ustar') return 'pglite'
  return undefined
}

/** The number of rows in each of Kestrel's tables, to compare a restore with its backup. */
export async function tableCounts(db: Database): Promise<Map<string, number>> {
  const { rows: tables } = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`.execute(db)
  const counts = new Map<string, number>()
  for (const { name } of tables) {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(name)}`.execute(db)
    counts.set(name, rows[0]?.n ?? 0)
  }
  return counts
}

export function describeCounts(counts: Map<string, number>): string {
  const rows = [...counts.values()].reduce((a, b) => a + b, 0)
  const each = (table: string) => (counts.get(table) ?? 0).toLocaleString('en-GB')
  return `${counts.size} tables, ${rows.toLocaleString('en-GB')} rows (${each('finding')} findings, ${each('access_log')} access log entries)`
}

// ---------------------------------------------------------------------------------------------------------
// The embedded database

function holdsDatabase(dataDir: string): boolean {
  return fs.existsSync(path.join(dataDir, 'PG_VERSION'))
}

/** Anything in the folder but a lock file left behind makes it not empty. */
function folderIsEmpty(dataDir: string): boolean {
  if (!fs.existsSync(dataDir)) return true
  return fs.readdirSync(dataDir).every((name) => name === lockFileName)
}

/** Writes `file` whole or not at all, through a partial file: a half-written backup must never pass for one. */
async function writeWhole(file: string, write: (partial: string) => Promise<void>) {
  const partial = `${file}.partial`
  fs.rmSync(partial, { force: true })
  try {
    await write(partial)
    const fd = fs.openSync(partial, 'r')
    fs.fsyncSync(fd)
    fs.closeSync(fd)
    fs.renameSync(partial, file)
  } catch (error) {
    fs.rmSync(partial, { force: true })
    throw error
  }
}

function refuseExisting(file: string) {
  if (fs.existsSync(file))
    throw new BackupError(
      `${file} already exists: give the backup a new name (a backup is never overwritten)`,
    )
}

/** Where an existing folder is moved by a forced restore: beside it, named for the time. */
function asideName(dataDir: string, now: Date): string {
  return `${dataDir}.before-restore-${now.toISOString().replace(/[:.]/g, '-')}`
}

export interface BackupOutcome {
  counts: Map<string, number>
  bytes: number
}

async function backupPglite(dataDir: string, file: string): Promise<BackupOutcome> {
  if (!holdsDatabase(dataDir)) throw new BackupError(`There is no embedded database in ${dataDir} to back up`)
  // Opening takes the folder's lock, so a running server is not dumped half-way through a write.
  const handle = await openPglite(dataDir)
  try {
    const counts = await tableCounts(handle.db)
    const dump = await (handle.pglite as NonNullable<typeof handle.pglite>).dumpDataDir('gzip')
    const bytes = Buffer.from(await dump.arrayBuffer())
    await writeWhole(file, async (partial) => fs.writeFileSync(partial, bytes, { mode: 0o600 }))
    return { counts, bytes: bytes.length }
  } finally {
    await handle.close()
  }
}

export interface RestoreOutcome {
  counts: Map<string, number>
  /** Where a forced restore moved what was there. */
  movedAside?: string
  db: Database
  close(): Promise<void>
}

async function restorePglite(
  dataDir: string,
  file: string,
  force: boolean,
  now: Date,
): Promise<RestoreOutcome> {
  let movedAside: string | undefined
  if (!folderIsEmpty(dataDir)) {
    if (!force)
      throw new BackupError(
        `The embedded database folder ${dataDir} is not empty: a restore goes only into an empty folder. Set KESTREL_DATA_DIR to a new folder, move ${dataDir} aside, or pass --force to have it moved aside to ${path.basename(asideName(dataDir, now))}`,
      )
    // Held while it is moved, so a server cannot be using what is moved.
    let lock: ReturnType<typeof acquireDataFolderLock>
    try {
      lock = acquireDataFolderLock(dataDir)
    } catch (error) {
      if (error instanceof DataFolderLockedError) throw new DatabaseStartError(error.message)
      throw error
    }
    movedAside = asideName(dataDir, now)
    try {
      fs.renameSync(dataDir, movedAside)
    } finally {
      lock.release()
    }
    fs.rmSync(path.join(movedAside, lockFileName), { force: true })
  }
  const dump = new Blob([fs.readFileSync(file)])
  const handle = await openPglite(dataDir, dump)
  return { counts: await tableCounts(handle.db), movedAside, db: handle.db, close: () => handle.close() }
}

// ---------------------------------------------------------------------------------------------------------
// PostgreSQL

/**
 * The URL for a client program with its password taken out: arguments are visible to every user of the
 * machine (ps), the environment is not.
 */
function clientConnection(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const parsed = new URL(url)
  const password = decodeURIComponent(parsed.password)
  parsed.password = ''
  return { dbname: parsed.toString(), env: password ? { PGPASSWORD: password } : {} }
}

/** Runs a PostgreSQL client program, resolving with its stderr, or failing with it. */
function runClient(program: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (chunk) => {
      stderr += chunk
    })
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(
        new BackupError(
          error.code === 'ENOENT'
            ? `${program} was not found on PATH: install the PostgreSQL client programs of the server's major version or later (Debian: apt-get install postgresql-client)`
            : `${program} could not be started: ${error.message}`,
        ),
      )
    })
    child.on('exit', (code, signal) => {
      if (code === 0) resolve(stderr)
      else
        reject(
          new BackupError(
            `${program} failed (${signal ?? `exit ${code}`}): ${stderr.trim() || 'no message'}`,
          ),
        )
    })
  })
}

/** The major version of a client program and of the server, which pg_dump must be at least. */
async function clientVersion(program: string): Promise<number | undefined> {
  const out = await new Promise<string>((resolve) => {
    const child = spawn(program, ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] })
    let text = ''
    child.stdout.on('data', (chunk) => {
      text += chunk
    })
    child.on('error', () => resolve(''))
    child.on('exit', () => resolve(text))
  })
  const major = /\(PostgreSQL\) (\d+)/.exec(out)?.[1]
  return major ? Number(major) : undefined
}

async function serverMajor(db: Database): Promise<number> {
  const { rows } = await sql<{ v: string }>`select current_setting('server_version_num') as v`.execute(db)
  return Math.floor(Number(rows[0]?.v) / 10_000)
}

async function backupPostgres(url: string, file: string): Promise<BackupOutcome> {
  const handle = await openPostgres(url, 1)
  try {
    const client = await clientVersion('pg_dump')
    const server = await serverMajor(handle.db)
    if (client !== undefined && client < server)
      throw new BackupError(
        `pg_dump is version ${client} but the server is PostgreSQL ${server}: pg_dump must be of the server's major version or later`,
      )
    const counts = await tableCounts(handle.db)
    const { dbname, env } = clientConnection(url)
    // Custom format: compressed, and pg_restore can restore it whole or in part. pg_dump reads one snapshot,
    // so a server may keep writing while it runs.
    await writeWhole(file, async (partial) => {
      await runClient('pg_dump', ['--format=custom', `--file=${partial}`, `--dbname=${dbname}`], env)
    })
    return { counts, bytes: fs.statSync(file).size }
  } finally {
    await handle.close()
  }
}

/** Kestrel's own relations in the database: any at all make it not empty. */
async function relationCount(db: Database): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_toast%'
      and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')`.execute(db)
  return rows[0]?.n ?? 0
}

async function restorePostgres(url: string, file: string, force: boolean): Promise<RestoreOutcome> {
  const handle = await openPostgres(url, 2)
  try {
    if ((await relationCount(handle.db)) > 0) {
      if (!force)
        throw new BackupError(
          `The database ${handle.location} is not empty: a restore goes only into an empty database. Create a new one (createdb) and point DATABASE_URL at it, or pass --force to drop everything in ${handle.location} first`,
        )
      // Everything Kestrel and pg-boss made, in every schema of the database's own; the public schema is made
      // again as PostgreSQL 15 makes it (pg_dump does not write it).
      const { rows } = await sql<{ name: string }>`
        select nspname as name from pg_namespace
        where nspname not in ('pg_catalog', 'information_schema') and nspname not like 'pg\\_%'`.execute(
        handle.db,
      )
      await handle.db.transaction().execute(async (trx) => {
        for (const { name } of rows) await sql`drop schema ${sql.id(name)} cascade`.execute(trx)
        await sql`create schema public authorization pg_database_owner`.execute(trx)
        await sql`grant usage on schema public to public`.execute(trx)
      })
    }
    const { dbname, env } = clientConnection(url)
    // One transaction: a restore that fails part way leaves the database as empty as it found it. Owners are
    // the restoring role's, and comments are left out: COMMENT ON EXTENSION needs the extension's owner.
    await runClient(
      'pg_restore',
      ['--exit-on-error', '--single-transaction', '--no-owner', '--no-comments', `--dbname=${dbname}`, file],
      env,
    )
    return { counts: await tableCounts(handle.db), db: handle.db, close: () => handle.close() }
  } catch (error) {
    await handle.close()
    throw error
  }
}

// ---------------------------------------------------------------------------------------------------------

function formatOfFile(file: string): BackupFormat | undefined {
  const fd = fs.openSync(file, 'r')
  try {
    const head = Buffer.alloc(512)
    fs.readSync(fd, head, 0, 512, 0)
    return backupFormatOf(head)
  } finally {
    fs.closeSync(fd)
  }
}

/** Backs up the configured database to `file`, which must not exist. */
export async function backupDatabase(config: Config, file: string): Promise<BackupOutcome> {
  refuseExisting(file)
  return config.database.kind === 'postgres'
    ? backupPostgres(config.database.url, file)
    : backupPglite(config.database.dataDir, file)
}

/** Restores `file` into the configured database, which must be empty unless `force`. The caller closes it. */
export async function restoreDatabase(
  config: Config,
  file: string,
  options: { force: boolean; now: Date },
): Promise<RestoreOutcome> {
  if (!fs.existsSync(file)) throw new BackupError(`${file} does not exist`)
  const format = formatOfFile(file)
  if (!format)
    throw new BackupError(
      `${file} is not a Kestrel backup (neither an embedded database's nor a pg_dump custom-format one)`,
    )
  if (format !== config.database.kind)
    throw new BackupError(
      format === 'postgres'
        ? `${file} is a PostgreSQL backup (pg_dump custom format) but this Kestrel uses the embedded database: set DATABASE_URL to the PostgreSQL database to restore it into`
        : `${file} is a backup of an embedded database but this Kestrel uses PostgreSQL (DATABASE_URL): unset DATABASE_URL and set KESTREL_DATA_DIR to the folder to restore it into`,
    )
  return config.database.kind === 'postgres'
    ? restorePostgres(config.database.url, file, options.force)
    : restorePglite(config.database.dataDir, file, options.force, options.now)
}
