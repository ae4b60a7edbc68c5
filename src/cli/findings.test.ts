import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { pgliteTemplateFile } from '../../test/database.ts'
import { seedLondon } from '../modules/organisation/london-seed.ts'
import { openPglite } from '../platform/db/database.ts'
import { main } from './main.ts'

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`

/** `kestrel findings` end to end, on an embedded database in a temporary folder. */
describe('kestrel findings', () => {
  const saved = { ...process.env }
  let dataDir: string
  let area: { boroughId: string; bcuId: string; teamId: string }
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kestrel-findings-'))
    const seeded = await openPglite(dataDir, new Blob([fs.readFileSync(pgliteTemplateFile)]))
    // Camden, its BCU and a team, for the names the CSV prints; the second finding's borough is unknown.
    await seedLondon(seeded.db)
    const camden = await seeded.db
      .selectFrom('borough')
      .innerJoin('borough_bcu', 'borough_bcu.borough_id', 'borough.id')
      .select(['borough.id', 'borough.force_id', 'borough_bcu.bcu_id'])
      .where('borough.name', '=', 'Camden')
      .executeTakeFirstOrThrow()
    const team = await seeded.db
      .insertInto('team')
      .values({
        force_id: camden.force_id,
        name: 'Camden CAIT, the "first"',
        kind: 'cait',
        borough_id: camden.id,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    area = { boroughId: camden.id, bcuId: camden.bcu_id, teamId: team.id }
    // Two stored findings in different boroughs: an operator acts for the force and lists both.
    await seeded.db
      .insertInto('finding')
      .values(
        [1, 2].map((n) => ({
          id: uuid(n),
          rule_id: 'TST-01',
          subject_kind: 'test-thing',
          subject_id: `t${n}`,
          subject_ref: `T-${n}`,
          status: 'breached',
          opened_at: new Date('2024-05-01T09:00:00Z'),
          due_at: new Date(`2024-05-01T1${n}:00:00Z`),
          breached_at: new Date(`2024-05-01T1${n}:00:00Z`),
          borough_id: n === 1 ? camden.id : uuid(20 + n),
          bcu_id: n === 1 ? camden.bcu_id : null,
          assignee_team_id: n === 1 ? team.id : null,
          updated_at: new Date('2024-05-01T12:00:00Z'),
        })),
      )
      .execute()
    await seeded.close()
    process.env.KESTREL_DATA_DIR = dataDir
    process.env.KESTREL_LOG_LEVEL = 'silent'
    delete process.env.DATABASE_URL
  })
  afterAll(() => {
    process.env = saved
    fs.rmSync(dataDir, { recursive: true, force: true })
  })

  async function run(...argv: string[]) {
    const out: string[] = []
    const log = vi.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line))
    const error = vi.spyOn(console, 'error').mockImplementation((line: string) => void out.push(line))
    try {
      return { code: await main(argv), out: out.join('\n') }
    } finally {
      log.mockRestore()
      error.mockRestore()
    }
  }

  async function listReads() {
    const handle = await openPglite(dataDir)
    try {
      return await handle.db
        .selectFrom('access_log')
        .select(['actor_id', 'actor_name', 'action', 'subject_kind', 'subject_id', 'detail'])
        .orderBy('seq')
        .execute()
    } finally {
      await handle.close()
    }
  }

  it('prints every stored finding and logs the listing once, naming the operator and each finding', async () => {
    const listed = await run('findings', '--format', 'csv', '--as', 'ops.jones')
    expect(listed.code).toBe(0)
    expect(listed.out).toContain('T-1')
    expect(listed.out).toContain('T-2')
    expect(await listReads()).toEqual([
      {
        actor_id: 'ops.jones',
        actor_name: 'ops.jones',
        action: 'list',
        subject_kind: 'finding',
        subject_id: 'kestrel findings --format csv --as ops.jones',
        detail: { count: 2, ids: [uuid(1), uuid(2)] },
      },
    ])
  }, 90_000)

  it('prints the borough, BCU and team by name in the CSV, each beside its id', async () => {
    const listed = await run('findings', '--format', 'csv')
    const [header, ...rows] = listed.out.split('\n')
    expect(header).toBe(
      'ruleId,subjectKind,subjectRef,subjectId,status,openedAt,dueAt,breachedAt,closedAt,borough,boroughId,bcu,bcuId,assigneeTeam,assigneeTeamId,assigneeStaffId,detail',
    )
    const first = rows.find((r) => r.includes('T-1'))
    expect(first).toContain(
      `,Camden,${area.boroughId},Central North,${area.bcuId},"Camden CAIT, the ""first""",${area.teamId},,`,
    )
    // A borough the force does not know has no name; its id is still printed.
    expect(rows.find((r) => r.includes('T-2'))).toContain(`,,${uuid(22)},,,,,,`)
  }, 90_000)

  it('logs a listing as at an instant too, and names the command when no operator is given', async () => {
    const listed = await run('findings', '--as-of', '2024-05-01T12:00:00Z')
    expect(listed.code).toBe(0)
    const last = (await listReads()).at(-1)
    expect(last).toMatchObject({
      actor_id: 'findings',
      subject_id: 'kestrel findings --as-of 2024-05-01T12:00:00Z',
      detail: { asOf: '2024-05-01T12:00:00.000Z', count: JSON.parse(listed.out).length },
    })
  }, 90_000)

  it('refuses an empty operator name, and logs nothing', async () => {
    const before = (await listReads()).length
    expect((await run('findings', '--as', ' ')).code).toBe(2)
    expect(await listReads()).toHaveLength(before)
  })
})
