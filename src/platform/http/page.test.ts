import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { testConfig } from '../../../test/app.ts'
import { allow } from '../access/access.ts'
import type { Principal } from '../auth/principal.ts'
import { createShell } from './app.ts'
import { ValidationError } from './errors.ts'
import { dateInput, radios, recordVersion } from './form-fields.ts'
import { page, view } from './page.ts'

/**
 * The page handler on the real web shell (access, CSRF, error pages) with a real template: the training
 * form, whose radios come before its date input.
 */

const admin: Principal = {
  kind: 'user',
  id: 'u1',
  username: 'admin',
  displayName: 'Admin',
  roles: ['admin'],
  staffId: null,
  area: { forceWide: true },
}
const officer: Principal = { ...admin, id: 'u2', username: 'officer', roles: ['officer'] }
const sessions: Record<string, Principal> = { 'admin-session': admin, 'officer-session': officer }

const trainingForm = z.object({
  course: radios(['safeguarding_1_week', 'sexual_offences'], 'Select the course'),
  completedOn: dateInput({ label: 'Completion date' }),
  version: recordVersion(),
})

describe('page handler', () => {
  let app: FastifyInstance
  const saved: unknown[] = []
  let refuse: ValidationError | undefined

  beforeAll(async () => {
    const shell = await createShell({
      config: testConfig(),
      navigation: [],
      principalForApiToken: async () => undefined,
      principalForSession: async (token) =>
        sessions[token] ? { principal: sessions[token], csrfToken: `csrf-${token}` } : undefined,
    })
    app = shell.app
    page(app, '/staff/:staffId/training/new', {
      access: allow('admin'),
      form: trainingForm,
      action: '/staff/:staffId/training',
      get: async ({ params, form }) =>
        view('organisation/views/training-form.njk', {
          pageTitle: 'Add a training record for Priya Shah',
          staff: { id: params.staffId, name: 'Priya Shah' },
          courseItems: ['safeguarding_1_week', 'sexual_offences'].map((value) => ({
            value,
            text: value,
            checked: value === form?.values.course,
          })),
          dateItems: form ? form.dateItems('completedOn') : [],
        }),
      post: async ({ params, input, principal }) => {
        if (refuse) throw refuse
        saved.push({ ...input, staffId: params.staffId, by: principal.id })
        return `/staff/${params.staffId}`
      },
    })
    await app.ready()
  })
  afterAll(() => app.close())

  const post = (form: Record<string, string>, session = 'admin-session') =>
    app.inject({
      method: 'POST',
      url: '/staff/s1/training',
      headers: { cookie: `kestrel_session=${session}`, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: `csrf-${session}`, ...form }).toString(),
    })
  const summaryLinks = (html: string) =>
    [...html.matchAll(/<a href="(#[^"]+)">([^<]+)<\/a>/g)].map((m) => [m[1], m[2]?.trim()])

  it('shows the page under its access, and refuses anyone else', async () => {
    const shown = await app.inject({
      url: '/staff/s1/training/new',
      headers: { cookie: 'kestrel_session=admin-session' },
    })
    expect(shown.statusCode).toBe(200)
    expect(shown.body).toContain('Add a training record for Priya Shah')
    expect(shown.body).not.toContain('govuk-error-summary')
    const refused = await app.inject({
      url: '/staff/s1/training/new',
      headers: { cookie: 'kestrel_session=officer-session' },
    })
    expect(refused.statusCode).toBe(403)
    expect((await post({ course: 'sexual_offences' }, 'officer-session')).statusCode).toBe(403)
    const anonymous = await app.inject({ url: '/staff/s1/training/new' })
    expect(anonymous.statusCode).toBe(303)
  })

  it('declares its access on both routes it registers', () => {
    const routes = app.routeRegistry.filter((r) => r.url.startsWith('/staff/'))
    expect(routes.map((r) => [r.method, r.url, r.config?.access])).toEqual([
      ['GET', '/staff/:staffId/training/new', allow('admin')],
      ['HEAD', '/staff/:staffId/training/new', allow('admin')],
      ['POST', '/staff/:staffId/training', allow('admin')],
    ])
  })

  it('cannot register a page without access, or one open to the public', () => {
    const get = async () => view('errors/404.njk')
    expect(() => page(app, '/nobody', { get } as never)).toThrow('must declare its access')
    expect(() => page(app, '/everybody', { access: { kind: 'public' }, get })).toThrow('must not be public')
  })

  it('shows the form again with errors in field order, each linked to its input, and what was typed', async () => {
    const response = await post({
      version: '1',
      'completedOn-day': '3',
      'completedOn-month': '',
      'completedOn-year': '2023',
    })
    expect(response.statusCode).toBe(400)
    expect(response.body).toContain('<title>Error: Add a training record')
    // The course radios come first on the page, then the date: so does the summary.
    expect(summaryLinks(response.body)).toEqual([
      ['#course', 'Select the course'],
      ['#completedOn-month', 'Completion date must include a month'],
    ])
    expect(response.body).toMatch(/id="completedOn-error"[^>]*>[\s\S]*Completion date must include a month/)
    expect(response.body).toMatch(/name="completedOn-day" type="text" value="3"/)
    expect(response.body).toMatch(/name="completedOn-year" type="text" value="2023"/)
    expect(response.body).toMatch(/govuk-input--error" id="completedOn-month"/)
    expect(saved).toEqual([])
  })

  it('orders a service refusal by the form too, and shows what was typed', async () => {
    refuse = new ValidationError([
      { field: 'completedOn', reason: 'Completion date must be today or in the past' },
      { field: 'course', reason: 'This course is already recorded' },
    ])
    try {
      const response = await post({
        version: '1',
        course: 'sexual_offences',
        'completedOn-day': '1',
        'completedOn-month': '1',
        'completedOn-year': '2999',
      })
      expect(response.statusCode).toBe(400)
      expect(summaryLinks(response.body)).toEqual([
        ['#course', 'This course is already recorded'],
        ['#completedOn-day', 'Completion date must be today or in the past'],
      ])
      expect(response.body).toMatch(/value="sexual_offences" checked/)
      expect(saved).toEqual([])
    } finally {
      refuse = undefined
    }
  })

  it('answers a refusal naming a field not on the form as a bad request, not a form to correct', async () => {
    refuse = new ValidationError([{ field: 'teamId', reason: 'No such team' }])
    try {
      const response = await post({
        version: '1',
        course: 'sexual_offences',
        'completedOn-day': '1',
        'completedOn-month': '1',
        'completedOn-year': '2020',
      })
      expect(response.statusCode).toBe(400)
      expect(response.body).toContain('No such team')
      expect(response.body).not.toContain('govuk-error-summary')
    } finally {
      refuse = undefined
    }
  })

  it('answers a wrong hidden field (the record version) with the error page', async () => {
    const response = await post({
      course: 'sexual_offences',
      'completedOn-day': '1',
      'completedOn-month': '1',
      'completedOn-year': '2020',
    })
    expect(response.statusCode).toBe(400)
    expect(response.body).toContain('Missing record version')
    expect(response.body).not.toContain('govuk-error-summary')
    expect(saved).toEqual([])
  })

  it('saves a valid form and redirects with a 303 (POST, redirect, GET)', async () => {
    const response = await post({
      version: '2',
      course: 'sexual_offences',
      'completedOn-day': '3',
      'completedOn-month': 'March',
      'completedOn-year': '2023',
    })
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe('/staff/s1')
    expect(saved).toEqual([
      { course: 'sexual_offences', completedOn: '2023-03-03', version: 2, staffId: 's1', by: 'u1' },
    ])
  })

  it('keeps CSRF where it was: a post without the session token changes nothing', async () => {
    const before = saved.length
    const response = await app.inject({
      method: 'POST',
      url: '/staff/s1/training',
      headers: {
        cookie: 'kestrel_session=admin-session',
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: 'version=1&course=sexual_offences&completedOn-day=1&completedOn-month=1&completedOn-year=2020',
    })
    expect(response.statusCode).toBe(403)
    expect(saved).toHaveLength(before)
  })
})
