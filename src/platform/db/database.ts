import { AsyncLocalStorage } from 'node:async_hooks'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import {
  type DatabaseConnection,
  type Driver,
  Kysely,
  type Transaction as KyselyTransaction,
  PGliteAdapter,
  PGliteDialect,
  PostgresDialect,
  type TransactionBuilder,
  type TransactionSettings,
} from 'kysely'
import pg from 'pg'
import type { Config } from '../config.ts'
import { acquireDataFolderLock, type DataFolderLock, DataFolderLockedError } from './data-folder-lock.ts'
import type { DB } from './schema.ts'

export type Database = Kysely<DB>
export type Transaction = KyselyTransaction<DB>
/** Repository functions take either, so a service decides where the transaction begins. */
export type Executor = Database | Transaction
export type DatabaseKind = 'postgres' | 'pglite'

/**
 * Runs `work` in the caller's transaction when handed one, else in a new one: a use case that writes can be
 * called on its own or as one step of another's transaction, and never reaches past it to the outer handle.
 */
export function inTransaction<T>(q: Executor, work: (trx: Transaction) => Promise<T>): Promise<T> {
  if (q.isTransaction) return work(q as Transaction)
  return q.transaction().execute(work)
}

export class DatabaseStartError extends Error {}

// timestamptz as Date, bigint counts as numbers: the same shapes PGlite gives, so code sees one database.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value))
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value))
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value)

/**
 * Marks the async context of a transaction's body. A query there on the outer handle, instead of the
 * transaction, would wait on the embedded database for the one session the transaction holds, for ever,
 * and every other user behind it; on PostgreSQL it would read outside the transaction. So it fails at once.
 */
const insideTransaction = new AsyncLocalStorage<{ startedAt: string }>()

export class OuterHandleInTransactionError extends Error {}

/** The first frame of Kestrel's own code that issued the query, for the error message. */
function callerOf(stack: string | undefined): string {
  const frames = (stack ?? '')
    .split('\n')
    .slice(1)
    .filter((f) => !/platform\/db\/database\.ts|node_modules|node:internal|\(native\)/.test(f))
  return (frames[0] ?? 'unknown caller').trim().replace(/^at /, '')
}

function refuseInsideTransaction() {
  const held = insideTransaction.getStore()
  if (!held) return
  const here = new Error().stack
  throw new OuterHandleInTransactionError(
    `A query on the outer database handle inside a transaction (${callerOf(here)}), opened at ${held.startedAt}: ` +
      'pass the transaction (the executor) to everything the transaction calls',
  )
}

/** Runs a transaction's body inside the marker; the chained settings keep the wrapper. */
function guarded<B extends TransactionBuilder<DB>>(builder: B, startedAt: string): B {
  return new Proxy(builder, {
    get(target, property, receiver) {
      if (property === 'execute')
        return <T>(callback: (trx: KyselyTransaction<DB>) => Promise<T>) =>
          target.execute((trx) => insideTransaction.run({ startedAt }, () => callback(trx)))
      const value = Reflect.get(target, property, receiver)
      if (property === 'setIsolationLevel' || property === 'setAccessMode')
        return (...args: unknown[]) =>
          guarded((value as (...a: unknown[]) => B).apply(target, args), startedAt)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

/** Kysely whose transactions refuse queries on the outer handle from inside their body. */
class GuardedKysely extends Kysely<DB> {
  override transaction(): TransactionBuilder<DB> {
    return guarded(super.transaction(), callerOf(new Error().stack))
  }
}

/** A driver that hands everything to another; the two below change only how a connection is taken. */
class DelegatingDriver implements Driver {
  protected readonly inner: Driver
  constructor(inner: Driver) {
    this.inner = inner
  }
  init() {
    return this.inner.init()
  }
  acquireConnection(): Promise<DatabaseConnection> {
    return this.inner.acquireConnection()
  }
  releaseConnection(connection: DatabaseConnection) {
    return this.inner.releaseConnection(connection)
  }
  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings) {
    return this.inner.beginTransaction(connection, settings)
  }
  commitTransaction(connection: DatabaseConnection) {
    return this.inner.commitTransaction(connection)
  }
  rollbackTransaction(connection: DatabaseConnection) {
    return this.inner.rollbackTransaction(connection)
  }
  destroy() {
    return this.inner.destroy()
  }
}

/** Every driver's connections are taken here first, so the guard holds on both databases. */
class GuardedDriver extends DelegatingDriver {
  override acquireConnection(): Promise<DatabaseConnection> {
    refuseInsideTransaction()
    return this.inner.acquireConnection()
  }
}

/**
 * PGlite has one session. Kysely's PGlite driver hands that one connection to every caller, so two
 * transactions (or a query beside a transaction) would interleave on it. This driver queues callers:
 * one query or one whole transaction at a time, as a single PostgreSQL connection would have it.
 */
class SerialisedDriver extends DelegatingDriver {
  #queue: Promise<void> = Promise.resolve()
  #release: (() => void) | undefined

  override async acquireConnection(): Promise<DatabaseConnection> {
    const previous = this.#queue
    let release!: () => void
    this.#queue = new Promise<void>((resolve) => {
      release = resolve
    })
    await previous
    this.#release = release
    return this.inner.acquireConnection()
  }
  override async releaseConnection(connection: DatabaseConnection) {
    await this.inner.releaseConnection(connection)
    const release = this.#release
    this.#release = undefined
    release?.()
  }
}

/**
 * Kysely's own lock for a one-connection dialect queues callers before any driver sees them, so the guard
 * could not refuse a query that would wait for ever; the serialising driver does the queueing instead.
 */
class SerialisedPGliteAdapter extends PGliteAdapter {
  override get supportsMultipleConnections() {
    return true
  }
}

class SerialisedPGliteDialect extends PGliteDialect {
  override createAdapter() {
    return new SerialisedPGliteAdapter()
  }
  override createDriver(): Driver {
    return new GuardedDriver(new SerialisedDriver(super.createDriver()))
  }
}

class GuardedPostgresDialect extends PostgresDialect {
  override createDriver(): Driver {
    return new GuardedDriver(super.createDriver())
  }
}

export interface DatabaseHandle {
  db: Database
  kind: DatabaseKind
  /** Where the data lives, for messages: a folder or the database name, never a password. */
  location: string
  /** The embedded instance itself, for dumps and tests; absent on PostgreSQL. */
  pglite?: PGlite
  close(): Promise<void>
}

export async function openPglite(dataDir: string | undefined, loadDataDir?: Blob): Promise<DatabaseHandle> {
  // A folder is one process's: a second process writing it would corrupt it (data-folder-lock.ts). An
  // in-memory database is private to its process and needs none.
  let lock: DataFolderLock | undefined
  if (dataDir) {
    try {
      fs.mkdirSync(dataDir, { recursive: true })
      fs.accessSync(dataDir, fs.constants.W_OK)
    } catch (error) {
      throw new DatabaseStartError(
        `Cannot use data folder ${dataDir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      )
    }
    try {
      lock = acquireDataFolderLock(dataDir)
    } catch (error) {
      if (error instanceof DataFolderLockedError) throw new DatabaseStartError(error.message)
      throw error
    }
  }
  let pglite: PGlite
  try {
    const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm')
    const { fuzzystrmatch } = await import('@electric-sql/pglite/contrib/fuzzystrmatch')
    pglite = new PGlite(dataDir ?? 'memory://', {
      extensions: { pg_trgm, fuzzystrmatch },
      // A calendar date stays 'YYYY-MM-DD', as pg gives it: a Date at UTC midnight shifts a day in some zones.
      parsers: { 1082: (value: string) => value },
      ...(loadDataDir ? { loadDataDir } : {}),
    })
    await pglite.waitReady
  } catch (error) {
    lock?.release()
    throw error
  }
  // A loaded dump brings the lock file of the process that dumped it.
  if (loadDataDir) lock?.reassert()
  const db: Database = new GuardedKysely({ dialect: new SerialisedPGliteDialect({ pglite }) })
  return {
    db,
    kind: 'pglite',
    location: dataDir ? path.resolve(dataDir) : 'memory',
    pglite,
    async close() {
      try {
        await db.destroy()
      } finally {
        lock?.release()
      }
    },
  }
}

/**
 * A statement whose text starts with this comment is prepared once per PostgreSQL connection and then only
 * bound and executed. For the engine's comparison, run after every write, parsing and planning cost several
 * times its execution. Only for statements whose text is the same call after call (values as parameters):
 * each distinct text stays prepared for the life of its connection.
 */
export const preparedStatement = '/* kestrel:prepared */'

type QueryFn = (text: unknown, values?: unknown) => Promise<unknown>

/** The pool, with clients that prepare the marked statements under a name taken from their text. */
function preparingPool(pool: pg.Pool) {
  const wrapped = new WeakSet<pg.PoolClient>()
  return {
    async connect() {
      const client = await pool.connect()
      if (!wrapped.has(client)) {
        const query = client.query.bind(client) as QueryFn
        ;(client as unknown as { query: QueryFn }).query = (text, values) =>
          typeof text === 'string' && text.startsWith(preparedStatement)
            ? query({ name: `k_${createHash('sha1').update(text).digest('hex')}`, text, values })
            : query(text, values)
        wrapped.add(client)
      }
      return client
    },
    end: () => pool.end(),
    options: pool.options,
  }
}

export async function openPostgres(url: string, poolSize = 10): Promise<DatabaseHandle> {
  // JIT off for every connection: Kestrel's statements are short, and JIT compiled them for tens of
  // milliseconds whenever the planner overestimated a page's query (seen on "My team" at scale 10).
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: 5000,
    options: '-c jit=off',
  })
  // An idle connection the server drops (a restart, a failover) must not crash the process: the pool
  // replaces it on next use, and the query that needed it reports the error.
  pool.on('error', (error) => {
    if ((error as { code?: string }).code !== '57P01')
      console.warn(`PostgreSQL connection lost: ${error.message}`)
  })
  const db: Database = new GuardedKysely({
    dialect: new GuardedPostgresDialect({ pool: preparingPool(pool) }),
  })
  let location = 'postgres'
  try {
    const parsed = new URL(url)
    location = `${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`
    const client = await pool.connect()
    client.release()
  } catch (error) {
    await pool.end().catch(() => {})
    throw new DatabaseStartError(`Cannot connect to PostgreSQL at ${location}: ${(error as Error).message}`)
  }
  return { db, kind: 'postgres', location, close: () => db.destroy() }
}

export function openDatabase(config: Config): Promise<DatabaseHandle> {
  return config.database.kind === 'postgres'
    ? openPostgres(config.database.url)
    : openPglite(config.database.dataDir)
}
