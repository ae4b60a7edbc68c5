import { request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { loadavg } from 'node:os'
import { sql } from 'kysely'
import type { Kestrel } from '../../src/kestrel.ts'
import { sessionFor } from './pages.ts'
import { round } from './stats.ts'

/**
 * A record list downloaded as CSV (issue 22, item 4's target: 100,000 rows streamed in under 5 s, not held in
 * memory). The rows are findings written straight into the finding table, spread over the force's boroughs,
 * so the phase needs the organisation's generator only; they are downloaded from /my-team.csv by a force
 * lead over a real socket (app.inject would gather the whole answer in memory), the client counting bytes
 * and throwing them away. The baseline, in the same run: the same rows read whole by one plain select.
 */

export interface ExportFigure {
  rows: number
  csvRowsRead: number
  csvBytes: number
  exportSeconds: number
  /** The most the process's resident memory rose above where it stood before the download. */
  exportPeakRssGrowthMb: number
  /** Node's CPU seconds (user and system) in this process, the server's and the client's. */
  exportCpuSeconds: number
  baselineSeconds: number
  baselinePeakRssGrowthMb: number
  baselineCpuSeconds: number
  /** The machine's one-minute load average when the download ended. */
  loadAverage: number
  baseline: string
  note: string
}

const benchRule = 'BENCH-EXPORT'

/**
 * Runs `f` sampling the process's resident memory every 10 ms: its result, wall seconds, the peak rise in
 * RSS above the start (MB) and this process's CPU seconds (the wall time swells on a machine others load).
 */
async function withPeakRss<T>(f: () => Promise<T>): Promise<[T, number, number, number]> {
  globalThis.gc?.()
  const start = process.memoryUsage().rss
  let peak = start
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss)
  }, 10)
  const started = performance.now()
  const cpu = process.cpuUsage()
  try {
    const result = await f()
    peak = Math.max(peak, process.memoryUsage().rss)
    const used = process.cpuUsage(cpu)
    return [
      result,
      (performance.now() - started) / 1000,
      (peak - start) / 1024 ** 2,
      (used.user + used.system) / 1e6,
    ]
  } finally {
    clearInterval(timer)
  }
}

/** GETs a path over HTTP and counts what comes back without keeping it. */
function download(port: number, path: string, cookie: string) {
  return new Promise<{ status: number; bytes: number; lines: number }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { cookie } }, (res) => {
      let bytes = 0
      let lines = 0
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, lines }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

export async function benchExport(kestrel: Kestrel, rows = 100_000): Promise<ExportFigure> {
  const { db } = kestrel.services
  const boroughs = await db.selectFrom('borough').select(['id']).orderBy('id').execute()
  if (!boroughs.length) throw new Error('the export phase needs the organisation generator (its boroughs)')
  await sql`
    insert into finding (rule_id, subject_kind, subject_id, subject_ref, status, opened_at, due_at, breached_at,
      detail, borough_id, updated_at)
    select ${benchRule}, 'bench-record', 'bench-' || g, 'BENCH/' || g, 'breached',
      timestamptz '2018-06-01' + g * interval '1 minute', timestamptz '2018-06-03' + g * interval '1 minute',
      timestamptz '2018-06-03' + g * interval '1 minute', 'Bench finding ' || g || ', "quoted", =not a formula',
      (${sql.val(boroughs.map((b) => b.id))}::uuid[])[1 + g % ${boroughs.length}], now()
    from generate_series(1, ${rows}) g`.execute(db)
  await sql`analyze finding`.execute(db)
  const { cookie } = await sessionFor(kestrel, ['force_lead'], null)

  // Baseline: the same rows (every open finding, a force lead's My team) read whole by one select, as a page
  // that held them would.
  const [held, baselineSeconds, baselineGrowth, baselineCpu] = await withPeakRss(() =>
    db.selectFrom('finding').selectAll().where('closed_at', 'is', null).execute(),
  )
  const heldCount = held.length
  held.length = 0

  await kestrel.app.listen({ port: 0, host: '127.0.0.1' })
  try {
    const { port } = kestrel.app.server.address() as AddressInfo
    const path = '/my-team.csv?status=open'
    // A first, small request warms the route's code and the session before the timed one.
    await download(port, '/my-team.csv?rule=NOT-A-RULE', cookie)
    const [answer, exportSeconds, exportGrowth, exportCpu] = await withPeakRss(() =>
      download(port, path, cookie),
    )
    if (answer.status !== 200) throw new Error(`${path} answered ${answer.status}`)
    if (answer.lines - 1 !== heldCount)
      throw new Error(`the CSV held ${answer.lines - 1} rows, the select ${heldCount}`)
    return {
      rows: heldCount,
      csvRowsRead: answer.lines - 1,
      csvBytes: answer.bytes,
      exportSeconds: round(exportSeconds, 2),
      exportPeakRssGrowthMb: round(exportGrowth, 1),
      exportCpuSeconds: round(exportCpu, 2),
      baselineSeconds: round(baselineSeconds, 2),
      baselinePeakRssGrowthMb: round(baselineGrowth, 1),
      baselineCpuSeconds: round(baselineCpu, 2),
      loadAverage: round(loadavg()[0] ?? 0, 1),
      baseline: 'one select of the same rows into memory',
      note: `GET ${path} by a force lead over a socket, the force's open findings (${rows} of them written straight into the finding table); every batch access-logged as exported before it is written`,
    }
  } finally {
    await sql`delete from finding where rule_id = ${benchRule}`.execute(db)
  }
}
