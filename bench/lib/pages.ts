import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import type { Kestrel } from '../../src/kestrel.ts'
import type { Database } from '../../src/platform/db/database.ts'
import { median, percentile, round, timed } from './stats.ts'

/** A signed-in account with a live session, made directly in the database (as the tests do). */
export async function sessionFor(
  kestrel: Kestrel,
  roles: string[],
  staffId: string | null,
): Promise<{ cookie: string; userId: string }> {
  const db = kestrel.services.db
  const user = await db
    .insertInto('app_user')
    .values({
      username: `bench.${roles.join('-')}.${Math.random().toString(36).slice(2, 8)}`,
      display_name: 'Benchmark account',
      roles,
      staff_id: staffId,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const session = await kestrel.services.sessions.create(user.id, {})
  return { cookie: `kestrel_session=${session.token}`, userId: user.id }
}

/** The member of staff whose team has the most open findings: the supervisor "My team" is timed for. */
export async function busiestTeamMember(db: Database) {
  const { rows } = await sql<{ staff_id: string; team_id: string; open: number }>`
    select s.id as staff_id, f.assignee_team_id as team_id, cast(count(*) as integer) as open
    from finding f join staff s on s.team_id = f.assignee_team_id and s.active
    where f.closed_at is null
    group by s.id, f.assignee_team_id order by open desc, s.id limit 1`.execute(db)
  return rows[0]
}

export interface PageTiming {
  /** Findings in the person's scope with the page's default filter (open), as the page reports them. */
  inScope: number
  rowsShown: number
  samples: number
  p50Ms: number
  p95Ms: number
}

export interface MyTeamFigure extends PageTiming {
  /** Open findings assigned to the busiest team itself. */
  teamOpenFindings: number
  /** The same page for a BCU lead in that team's BCU: every open finding of the BCU is in scope. */
  bcuLead: PageTiming
}

/** "My team" for one signed-in person: 20 warm-up requests, then `samples` timed ones. */
async function timeMyTeam(kestrel: Kestrel, cookie: string, samples: number): Promise<PageTiming> {
  const get = () => kestrel.app.inject({ method: 'GET', url: '/my-team', headers: { cookie } })
  const first = await get()
  if (first.statusCode !== 200)
    throw new Error(`/my-team answered ${first.statusCode}: ${first.body.slice(0, 300)}`)
  const rowsShown = (first.body.match(/<tr class="govuk-table__row">/g)?.length ?? 1) - 1
  const inScope = Number(first.body.match(/Findings \(([\d,]+)\)/)?.[1]?.replaceAll(',', '') ?? 0)
  for (let i = 0; i < 20; i++) await get()
  const times: number[] = []
  for (let i = 0; i < samples; i++) {
    const [response, ms] = await timed(get)
    if (response.statusCode !== 200) throw new Error(`/my-team answered ${response.statusCode}`)
    times.push(ms)
  }
  return {
    inScope,
    rowsShown,
    samples,
    p50Ms: round(median(times), 2),
    p95Ms: round(percentile(times, 95), 2),
  }
}

/**
 * "My team" as a supervisor of the busiest team, and as a BCU lead of its BCU: app.inject in the same
 * process (no network), so the time is the server's: session, scope, query and rendering.
 */
export async function benchMyTeam(kestrel: Kestrel, samples = 200): Promise<MyTeamFigure | undefined> {
  const member = await busiestTeamMember(kestrel.services.db)
  if (!member) return undefined
  const supervisor = await sessionFor(kestrel, ['supervisor'], member.staff_id)
  const lead = await sessionFor(kestrel, ['bcu_lead'], member.staff_id)
  return {
    teamOpenFindings: member.open,
    ...(await timeMyTeam(kestrel, supervisor.cookie, samples)),
    bcuLead: await timeMyTeam(kestrel, lead.cookie, samples),
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()))
    })
  })
}

const serveArgs = ['--import', 'tsx', 'src/cli/main.ts', 'serve']

function spawnServe(env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, serveArgs, {
    env: { ...process.env, NODE_ENV: 'development', KESTREL_LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

async function waitForHealth(port: number, child: ChildProcess, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let exited = false
  child.once('exit', () => {
    exited = true
  })
  while (Date.now() < deadline) {
    if (exited) throw new Error('kestrel serve exited before it answered /health')
    try {
      const response = await fetch(`http://127.0.0.1:${port}/health`)
      if (response.status === 200) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new Error('kestrel serve did not answer /health in time')
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
  await exited
  clearTimeout(timer)
}

export interface ColdStartFigure {
  samples: number
  medianMs: number
  runsMs: number[]
}

/**
 * `kestrel serve` on an empty embedded database: spawn to the first 200 from /health, three times, each on a
 * new data folder (so each run creates and migrates its database).
 */
export async function benchColdStart(runs = 3): Promise<ColdStartFigure> {
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const dir = mkdtempSync(path.join(tmpdir(), 'kestrel-bench-serve-'))
    const port = await freePort()
    const started = performance.now()
    const child = spawnServe({ PORT: String(port), KESTREL_DATA_DIR: dir, DATABASE_URL: '' })
    try {
      await waitForHealth(port, child)
      times.push(performance.now() - started)
    } finally {
      await stop(child)
      rmSync(dir, { recursive: true, force: true })
    }
  }
  return { samples: runs, medianMs: round(median(times), 0), runsMs: times.map((t) => round(t, 0)) }
}

interface AutocannonResult {
  requests: { total: number; average: number }
  latency: { p50: number; p99: number }
  non2xx: number
  errors: number
}

export interface LoadFigure {
  url: string
  connections: number
  seconds: number
  requests: number
  requestsPerSecond: number
  p50Ms: number
  p99Ms: number
  non2xx: number
  errors: number
}

/**
 * autocannon for 10 s with 10 connections against a real `kestrel serve` on 127.0.0.1, signed in, on the
 * benchmark's PostgreSQL database (or, on the embedded database, a new one holding just the account).
 */
export async function benchLoad(options: {
  databaseUrl?: string
  cookie: string
  prepareDataDir?: string
  pathname: string
}): Promise<LoadFigure> {
  const port = await freePort()
  const env: NodeJS.ProcessEnv = { PORT: String(port) }
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl
  else {
    env.DATABASE_URL = ''
    env.KESTREL_DATA_DIR = options.prepareDataDir
  }
  const child = spawnServe(env)
  try {
    await waitForHealth(port, child)
    // autocannon ships no types: the little of its API used here is typed by hand.
    const { default: autocannon } = (await import('autocannon' as string)) as {
      default: (options: Record<string, unknown>) => Promise<AutocannonResult>
    }
    const url = `http://127.0.0.1:${port}${options.pathname}`
    const check = await fetch(url, { headers: { cookie: options.cookie }, redirect: 'manual' })
    if (check.status !== 200)
      throw new Error(`${options.pathname} answered ${check.status} before the load test`)
    const result = await autocannon({
      url,
      connections: 10,
      duration: 10,
      headers: { cookie: options.cookie },
    })
    return {
      url: options.pathname,
      connections: 10,
      seconds: 10,
      requests: result.requests.total,
      requestsPerSecond: round(result.requests.average, 0),
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      non2xx: result.non2xx,
      errors: result.errors,
    }
  } finally {
    await stop(child)
  }
}
