import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signIn } from '../../../test/app.ts'
import { type InvestigationsFixture, investigationsFixture, movableClock } from './test-fixtures.ts'

/**
 * The workload page opened on a BCU command team with 3 officers and 0 cases while its list said "Central
 * West CAIT" (the viewer's own team was not among those offered), and read "Capacity not set open cases an
 * officer". It opens on the viewer's team, offers it, and says plainly when capacity is not set.
 */
const clock = movableClock('2018-08-01T09:00:00Z')

describe('the team workload page', () => {
  let f: InvestigationsFixture
  let commandTeam: { id: string; name: string }
  let cait: { id: string; name: string }

  beforeAll(async () => {
    f = await investigationsFixture(clock)
    cait = await f.team({ capacity: 5, cadence: 14 })
    // A team that does not investigate, with no capacity or cadence: the supervisor's own.
    commandTeam = await f.team({ kind: 'command', capacity: null })
    await f.staff(cait.id, 'DC Caitworker')
  }, 60_000)
  afterAll(() => f?.kestrel.close())

  const workload = async (staffId: string, search = '') => {
    const user = await signIn(f.kestrel, ['supervisor'], { staffId })
    return f.kestrel.app.inject({
      url: `/investigations/workload${search}`,
      headers: { cookie: user.cookie },
    })
  }
  const selected = (html: string) => /<option value="([^"]+)" selected>/.exec(html)?.[1]

  it('opens on the viewer’s own team, which the list offers and selects, and says capacity is not set', async () => {
    const me = await f.staff(commandTeam.id, 'Ch Insp Command', { rank: 'chief_inspector' })
    const page = await workload(me.id)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain(`Workload: ${commandTeam.name}`)
    expect(selected(page.body)).toBe(commandTeam.id)
    expect(page.body).toContain('Your team.')
    expect(page.body).toContain('Capacity is not set for this team, so no officer is shown as over capacity.')
    expect(page.body).not.toContain('not set open cases')
    // No cadence of its own: INV-04's configured default, and it says so.
    expect(page.body).toContain('Supervisory reviews are due every 28 days (the force’s default')
    expect(page.body).toContain('Ch Insp Command')
  })

  it('shows another team when chosen, with its capacity and cadence', async () => {
    const me = await f.staff(commandTeam.id, 'Insp Command')
    const page = await workload(me.id, `?team=${cait.id}`)
    expect(selected(page.body)).toBe(cait.id)
    expect(page.body).toContain('Capacity: 5 open cases an officer.')
    expect(page.body).toContain('Supervisory reviews are due every 14 days (the team’s own cadence)')
    expect(page.body).toContain('DC Caitworker')
    expect(page.body).not.toContain('Your team.')
  })
})
