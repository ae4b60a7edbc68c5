import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import { PgBoss } from 'pg-boss'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { testConfig } from '../../test/app.ts'
import { pgliteTemplateFile, scratchPostgres, testDatabaseKind } from '../../test/database.ts'
import { accessLogService } from './access/access-log.ts'
import { checkpointIntervalMinutes, checkpointJob, readCheckpoints } from './access/checkpoint.ts'
import { systemClock } from './clock.ts'
import { type DatabaseHandle, openPglite, openPostgres } from './db/database.ts'
import { startScheduledJobs } from './jobs.ts'

/** The server's scheduled checkpoint: a timer on the embedded database, a pg-boss job on PostgreSQL. */
describe(`the scheduled access log checkpoint (${testDatabaseKind()})`, () => {
  let folder: string
  let handle: DatabaseHandle
  let env: NodeJS.ProcessEnv
  let drop: () => Promise<void> = async () => {}
  beforeAll(async () => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'kestrel-jobs-'))
    if (testDatabaseKind() === 'postgres') {
      const scratch = await scratchPostgres('jobs')
      env = { DATABASE_URL: scratch.url }
      handle = await openPostgres(scratch.url, 2)
      drop = scratch.drop
    } else {
      env = {}
      handle = await openPglite(undefined, new Blob([fs.readFileSync(pgliteTemplateFile)]))
    }
    await accessLogService(handle.db, systemClock).record({
      actorId: 'u-1',
      actorName: 'dc.smith',
      action: 'read',
      subjectKind: 'child',
      subjectId: 'c-1',
    })
  })
  afterAll(async () => {
    await handle.close()
    await drop()
    fs.rmSync(folder, { recursive: true, force: true })
  })

  it('appends the head to the checkpoint file on its schedule', async () => {
    const file = path.join(folder, 'checkpoints.jsonl')
    const config = testConfig({ ...env, KESTREL_AUDIT_CHECKPOINT: file })
    const job = checkpointJob(handle.db, systemClock, config.auditCheckpoint)
    const written = () =>
      fs.existsSync(file) ? readCheckpoints(fs.readFileSync(file, 'utf8'), undefined) : []
    if (handle.kind === 'postgres') {
      const stop = await startScheduledJobs(config, handle.kind, [job])
      const boss = new PgBoss({
        connectionString: (config.database as { url: string }).url,
        schema: 'pgboss',
      })
      try {
        // The schedule is pg-boss's, shared by every process; a job sent by hand runs the same work.
        const { rows } = await sql<{ name: string; cron: string }>`
          select name, cron from pgboss.schedule`.execute(handle.db)
        expect(rows).toEqual([
          { name: 'access-log-checkpoint', cron: `*/${checkpointIntervalMinutes} * * * *` },
        ])
        await boss.start()
        await boss.send('access-log-checkpoint', {})
        await vi.waitFor(() => expect(written()).toHaveLength(1), { timeout: 20_000, interval: 100 })
      } finally {
        await boss.stop({ graceful: false })
        await stop()
      }
    } else {
      vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
      try {
        const stop = await startScheduledJobs(config, handle.kind, [job])
        vi.advanceTimersByTime(checkpointIntervalMinutes * 60_000 - 1)
        expect(written()).toHaveLength(0)
        vi.advanceTimersByTime(1)
        await vi.waitFor(() => expect(written()).toHaveLength(1), { timeout: 20_000, interval: 50 })
        await stop()
        vi.advanceTimersByTime(3 * checkpointIntervalMinutes * 60_000)
      } finally {
        vi.useRealTimers()
      }
    }
    expect(written()).toEqual([
      { seq: 1, hash: expect.stringMatching(/^[0-9a-f]{64}$/), at: expect.any(String) },
    ])
  }, 60_000)

  it('runs the jobs named to run now once at start, and stop() waits for that run', async () => {
    const config = testConfig(env)
    let release: () => void = () => {}
    const runs: string[] = []
    const job = (name: string) => ({
      name,
      everyMinutes: 60,
      run: async () => {
        runs.push(name)
        if (name === 'kestrel-test-now') await new Promise<void>((resolve) => (release = resolve))
      },
      failed: (error: Error) => {
        throw error
      },
    })
    const stop = await startScheduledJobs(
      config,
      handle.kind,
      [job('kestrel-test-now'), job('kestrel-test-later')],
      ['kestrel-test-now'],
    )
    await vi.waitFor(() => expect(runs).toEqual(['kestrel-test-now']), { timeout: 20_000, interval: 50 })
    let stopped = false
    const stopping = stop().then(() => {
      stopped = true
    })
    await new Promise((resolve) => setTimeout(resolve, 200))
    // On the embedded database stop() waits for the run in flight; pg-boss's graceful stop waits for it too.
    expect(stopped).toBe(false)
    release()
    await stopping
    expect(runs).toEqual(['kestrel-test-now'])
  }, 60_000)

  it('says why a run could not write its checkpoint', async () => {
    const config = testConfig({
      ...env,
      KESTREL_AUDIT_CHECKPOINT: path.join(folder, 'no-such-folder', 'c.jsonl'),
    })
    const job = checkpointJob(handle.db, systemClock, config.auditCheckpoint)
    await expect(job.run()).rejects.toThrow(/^Cannot write the checkpoint file .*no-such-folder.*: ENOENT$/)
  })
})
