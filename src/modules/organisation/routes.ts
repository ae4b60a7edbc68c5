import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { allow } from '../../platform/access/access.ts'
import { type FieldError, NotFoundError, ValidationError } from '../../platform/http/errors.ts'
import type { Services } from '../../services.ts'
import {
  type DatePart,
  type DateParts,
  dateErrorHref,
  dateInputItems,
  dateParts,
  type ParsedDate,
  parseDateInput,
} from './form-dates.ts'
import {
  courseLabels,
  courses,
  londonDate,
  rankLabels,
  ranks,
  type StaffInput,
  type TeamInput,
  teamKindLabels,
  teamKinds,
  validateStaff,
  validateTeam,
} from './organisation.ts'
import type { Team } from './service.ts'

/** Who may read the structure; only admins change it. */
const readers = allow('admin', 'bcu_lead', 'force_lead')
const admins = allow('admin')

export const organisationPath = '/admin/organisation'

type Body = Record<string, unknown> | undefined

/** Fields shown as GOV.UK date inputs: their errors link to the first box. */
const dateFields = new Set(['date', 'startDate', 'completedOn', 'effectiveFrom'])

function text(body: Body, key: string): string {
  const value = body?.[key]
  return typeof value === 'string' ? value.trim() : ''
}

/** A whole number box that may be left empty. */
function optionalWholeNumber(body: Body, key: string, label: string, errors: FieldError[]): number | null {
  const value = text(body, key)
  if (value === '') return null
  if (!/^\d{1,6}$/.test(value)) {
    errors.push({ field: key, reason: `${label} must be a whole number` })
    return null
  }
  return Number(value)
}

function versionOf(body: Body): number {
  const value = text(body, 'version')
  if (!/^\d{1,9}$/.test(value))
    throw new ValidationError([{ field: 'version', reason: 'Missing record version' }])
  return Number(value)
}

/**
 * What a form page needs to show errors: the summary list (linking to each field, or a date's first box)
 * and each field's own message.
 */
class FormErrors {
  readonly list: FieldError[] = []
  readonly dateParts: Record<string, DatePart[]> = {}

  add(errors: FieldError[]) {
    for (const error of errors) if (!this.list.some((e) => e.field === error.field)) this.list.push(error)
  }
  addDate(field: string, parsed: ParsedDate) {
    if (parsed.error) {
      this.dateParts[field] = parsed.errorParts
      this.add([{ field, reason: parsed.error }])
    }
  }
  get any() {
    return this.list.length > 0
  }
  context() {
    return {
      errors: this.list.map((e) => ({
        text: e.reason,
        href: dateFields.has(e.field) ? dateErrorHref(e.field, this.dateParts[e.field] ?? []) : `#${e.field}`,
      })),
      fieldErrors: Object.fromEntries(this.list.map((e) => [e.field, { text: e.reason }])),
    }
  }
}

function dateField(parts: DateParts, errors: FormErrors, field: string) {
  return dateInputItems(
    parts,
    errors.dateParts[field] ?? (errors.list.some((e) => e.field === field) ? ['day', 'month', 'year'] : []),
  )
}

/** Saves when the form parsed cleanly; otherwise, or when the service refuses the input, shows it again. */
async function form(
  errors: FormErrors,
  save: () => Promise<FastifyReply>,
  onInvalid: () => Promise<FastifyReply>,
): Promise<FastifyReply> {
  if (errors.any) return onInvalid()
  try {
    return await save()
  } catch (error) {
    if (error instanceof ValidationError && error.errors.every((e) => e.field !== 'version')) {
      errors.add(error.errors)
      return onInvalid()
    }
    throw error
  }
}

const options = <K extends string>(
  values: readonly K[],
  labels: Record<K, string>,
  selected: string,
  prompt: string,
) => [
  { value: '', text: prompt, selected: selected === '' },
  ...values.map((value) => ({ value, text: labels[value], selected: value === selected })),
]

const author = (request: FastifyRequest) => request.principal?.id ?? 'unknown'

export function organisationRoutes(app: FastifyInstance, services: Services) {
  const organisation = services.organisation
  const isAdmin = (request: FastifyRequest) => request.principal?.roles.includes('admin') ?? false

  async function areaLabels(forceId: string) {
    const [bcus, boroughs] = await Promise.all([organisation.bcus(forceId), organisation.boroughs(forceId)])
    return {
      bcus,
      boroughs,
      areaOf(team: Pick<Team, 'boroughId' | 'bcuId'>) {
        if (team.boroughId) return boroughs.find((b) => b.id === team.boroughId)?.name ?? ''
        if (team.bcuId) return bcus.find((b) => b.id === team.bcuId)?.name ?? ''
        return 'Force-wide'
      },
    }
  }

  // ---- overview and reorganisation ----

  app.get(organisationPath, { config: { access: readers } }, async (request, reply) => {
    const force = await organisation.force()
    const query = request.query as Body
    const errors = new FormErrors()
    const asked = parseDateInput(query, 'date', { label: 'Date', required: false })
    errors.addDate('date', asked)
    const day = asked.value ?? londonDate(services.clock.now())
    const parts = asked.value || asked.error ? asked.parts : dateParts(day)
    const areas = errors.any ? undefined : await organisation.areasAt(force.id, day)
    return reply.code(errors.any ? 400 : 200).render('organisation/views/overview.njk', {
      pageTitle: 'Organisation',
      force,
      areas,
      day,
      dateItems: dateField(parts, errors, 'date'),
      canChange: isAdmin(request),
      ...errors.context(),
    })
  })

  async function renderReorganise(
    reply: FastifyReply,
    values: Record<string, string>,
    parts: DateParts,
    errors: FormErrors,
  ) {
    const force = await organisation.force()
    const [bcus, boroughs] = await Promise.all([organisation.bcus(force.id), organisation.boroughs(force.id)])
    const history = values.boroughId ? await organisation.membershipsOf(values.boroughId) : []
    return reply.code(errors.any ? 400 : 200).render('organisation/views/reorganise.njk', {
      pageTitle: 'Move a borough to another BCU',
      boroughOptions: [
        { value: '', text: 'Select a borough', selected: !values.boroughId },
        ...boroughs.map((b) => ({ value: b.id, text: b.name, selected: b.id === values.boroughId })),
      ],
      bcuOptions: [
        { value: '', text: 'Select a BCU', selected: !values.toBcuId },
        ...bcus.map((b) => ({
          value: b.id,
          text: `${b.name} (${b.code})`,
          selected: b.id === values.toBcuId,
        })),
      ],
      history,
      dateItems: dateField(parts, errors, 'effectiveFrom'),
      ...errors.context(),
    })
  }

  app.get(`${organisationPath}/reorganise`, { config: { access: admins } }, async (request, reply) => {
    const boroughId = text(request.query as Body, 'boroughId')
    return renderReorganise(reply, { boroughId, toBcuId: '' }, dateParts(null), new FormErrors())
  })

  app.post(`${organisationPath}/reorganise`, { config: { access: admins } }, async (request, reply) => {
    const body = request.body as Body
    const values = { boroughId: text(body, 'boroughId'), toBcuId: text(body, 'toBcuId') }
    const errors = new FormErrors()
    if (!values.boroughId) errors.add([{ field: 'boroughId', reason: 'Select the borough that moves' }])
    if (!values.toBcuId) errors.add([{ field: 'toBcuId', reason: 'Select the BCU it moves to' }])
    const effectiveFrom = parseDateInput(body, 'effectiveFrom', { label: 'Date of the move' })
    errors.addDate('effectiveFrom', effectiveFrom)
    return form(
      errors,
      async () => {
        await organisation.reorganise(
          { ...values, effectiveFrom: effectiveFrom.value ?? '' },
          author(request),
        )
        const p = dateParts(effectiveFrom.value)
        return reply.redirect(
          `${organisationPath}?date-day=${p.day}&date-month=${p.month}&date-year=${p.year}`,
          303,
        )
      },
      () => renderReorganise(reply, values, effectiveFrom.parts, errors),
    )
  })

  // ---- teams ----

  app.get(`${organisationPath}/teams`, { config: { access: readers } }, async (request, reply) => {
    const force = await organisation.force()
    const [teams, labels] = await Promise.all([organisation.teams(force.id), areaLabels(force.id)])
    return reply.render('organisation/views/teams.njk', {
      pageTitle: 'Teams',
      teams: teams.map((t) => ({
        ...t,
        kindLabel: teamKindLabels[t.kind as keyof typeof teamKindLabels] ?? t.kind,
        area: labels.areaOf(t),
      })),
      canChange: isAdmin(request),
    })
  })

  function teamInput(body: Body, errors: FormErrors): TeamInput {
    const list: FieldError[] = []
    const input: TeamInput = {
      name: text(body, 'name'),
      kind: text(body, 'kind'),
      boroughId: text(body, 'boroughId') || null,
      bcuId: text(body, 'bcuId') || null,
      capacity: optionalWholeNumber(body, 'capacity', 'Capacity', list),
      reviewCadenceDays: optionalWholeNumber(body, 'reviewCadenceDays', 'Review cadence', list),
      active: text(body, 'active') === 'yes',
    }
    errors.add(list)
    // Check the rest now too, so the summary lists every problem at once.
    errors.add(validateTeam(input))
    return input
  }

  async function renderTeamForm(
    reply: FastifyReply,
    team: { id?: string; version?: number },
    values: Record<string, string | boolean>,
    errors: FormErrors,
  ) {
    const force = await organisation.force()
    const labels = await areaLabels(force.id)
    return reply.code(errors.any ? 400 : 200).render('organisation/views/team-form.njk', {
      pageTitle: team.id ? `Change team: ${values.name}` : 'Add a team',
      action: team.id ? `${organisationPath}/teams/${team.id}` : `${organisationPath}/teams`,
      version: team.version,
      values,
      kindOptions: options(teamKinds, teamKindLabels, String(values.kind ?? ''), 'Select the kind of team'),
      boroughOptions: [
        { value: '', text: 'None', selected: !values.boroughId },
        ...labels.boroughs.map((b) => ({ value: b.id, text: b.name, selected: b.id === values.boroughId })),
      ],
      bcuOptions: [
        { value: '', text: 'None', selected: !values.bcuId },
        ...labels.bcus.map((b) => ({ value: b.id, text: b.name, selected: b.id === values.bcuId })),
      ],
      ...errors.context(),
    })
  }

  const teamValues = (body: Body) => ({
    name: text(body, 'name'),
    kind: text(body, 'kind'),
    boroughId: text(body, 'boroughId'),
    bcuId: text(body, 'bcuId'),
    capacity: text(body, 'capacity'),
    reviewCadenceDays: text(body, 'reviewCadenceDays'),
    active: text(body, 'active') === 'yes',
  })

  app.get(`${organisationPath}/teams/new`, { config: { access: admins } }, async (_request, reply) =>
    renderTeamForm(reply, {}, { active: true }, new FormErrors()),
  )

  app.post(`${organisationPath}/teams`, { config: { access: admins } }, async (request, reply) => {
    const body = request.body as Body
    const errors = new FormErrors()
    const input = teamInput(body, errors)
    const force = await organisation.force()
    return form(
      errors,
      async () => {
        await organisation.createTeam(force.id, input, author(request))
        return reply.redirect(`${organisationPath}/teams`, 303)
      },
      () => renderTeamForm(reply, {}, teamValues(body), errors),
    )
  })

  app.get(
    `${organisationPath}/teams/:teamId/edit`,
    { config: { access: admins } },
    async (request, reply) => {
      const team = await organisation.team((request.params as { teamId: string }).teamId)
      if (!team) throw new NotFoundError()
      return renderTeamForm(
        reply,
        team,
        {
          name: team.name,
          kind: team.kind,
          boroughId: team.boroughId ?? '',
          bcuId: team.bcuId ?? '',
          capacity: team.capacity === null ? '' : String(team.capacity),
          reviewCadenceDays: team.reviewCadenceDays === null ? '' : String(team.reviewCadenceDays),
          active: team.active,
        },
        new FormErrors(),
      )
    },
  )

  app.post(`${organisationPath}/teams/:teamId`, { config: { access: admins } }, async (request, reply) => {
    const team = await organisation.team((request.params as { teamId: string }).teamId)
    if (!team) throw new NotFoundError()
    const body = request.body as Body
    const version = versionOf(body)
    const errors = new FormErrors()
    const input = teamInput(body, errors)
    return form(
      errors,
      async () => {
        await organisation.updateTeam(team.id, version, input, author(request))
        return reply.redirect(`${organisationPath}/teams`, 303)
      },
      () => renderTeamForm(reply, { id: team.id, version }, teamValues(body), errors),
    )
  })

  // ---- staff ----

  app.get(`${organisationPath}/staff`, { config: { access: readers } }, async (request, reply) => {
    const force = await organisation.force()
    const teamId = text(request.query as Body, 'team')
    const [staff, teams] = await Promise.all([
      organisation.staffList(force.id, { teamId: teamId || null }),
      organisation.teams(force.id),
    ])
    return reply.render('organisation/views/staff-list.njk', {
      pageTitle: 'Staff',
      staff: staff.map((s) => ({ ...s, rankLabel: rankLabels[s.rank as keyof typeof rankLabels] ?? s.rank })),
      teamOptions: [
        { value: '', text: 'All teams', selected: !teamId },
        ...teams.map((t) => ({ value: t.id, text: t.name, selected: t.id === teamId })),
      ],
      canChange: isAdmin(request),
    })
  })

  function staffInput(body: Body, errors: FormErrors): StaffInput {
    const startDate = parseDateInput(body, 'startDate', { label: 'Start date' })
    errors.addDate('startDate', startDate)
    const input: StaffInput = {
      staffNumber: text(body, 'staffNumber'),
      name: text(body, 'name'),
      rank: text(body, 'rank'),
      role: text(body, 'role'),
      teamId: text(body, 'teamId') || null,
      startDate: startDate.value ?? '',
      active: text(body, 'active') === 'yes',
    }
    errors.add(validateStaff(input, londonDate(services.clock.now())))
    return input
  }

  async function renderStaffForm(
    reply: FastifyReply,
    staff: { id?: string; version?: number },
    values: Record<string, string | boolean>,
    startDate: DateParts,
    errors: FormErrors,
  ) {
    const force = await organisation.force()
    const teams = await organisation.teams(force.id)
    return reply.code(errors.any ? 400 : 200).render('organisation/views/staff-form.njk', {
      pageTitle: staff.id ? `Change staff member: ${values.name}` : 'Add a member of staff',
      action: staff.id ? `${organisationPath}/staff/${staff.id}` : `${organisationPath}/staff`,
      cancel: staff.id ? `${organisationPath}/staff/${staff.id}` : `${organisationPath}/staff`,
      version: staff.version,
      values,
      rankOptions: options(ranks, rankLabels, String(values.rank ?? ''), 'Select the rank'),
      teamOptions: [
        { value: '', text: 'No team', selected: !values.teamId },
        ...teams.map((t) => ({
          value: t.id,
          text: t.active ? t.name : `${t.name} (inactive)`,
          selected: t.id === values.teamId,
        })),
      ],
      dateItems: dateField(startDate, errors, 'startDate'),
      ...errors.context(),
    })
  }

  const staffValues = (body: Body) => ({
    staffNumber: text(body, 'staffNumber'),
    name: text(body, 'name'),
    rank: text(body, 'rank'),
    role: text(body, 'role'),
    teamId: text(body, 'teamId'),
    active: text(body, 'active') === 'yes',
  })

  app.get(`${organisationPath}/staff/new`, { config: { access: admins } }, async (request, reply) =>
    renderStaffForm(
      reply,
      {},
      { active: true, teamId: text(request.query as Body, 'team') },
      dateParts(null),
      new FormErrors(),
    ),
  )

  app.post(`${organisationPath}/staff`, { config: { access: admins } }, async (request, reply) => {
    const body = request.body as Body
    const errors = new FormErrors()
    const input = staffInput(body, errors)
    const force = await organisation.force()
    return form(
      errors,
      async () => {
        const staff = await organisation.createStaff(force.id, input, author(request))
        return reply.redirect(`${organisationPath}/staff/${staff.id}`, 303)
      },
      () =>
        renderStaffForm(
          reply,
          {},
          staffValues(body),
          parseDateInput(body, 'startDate', { label: 'Start date' }).parts,
          errors,
        ),
    )
  })

  app.get(`${organisationPath}/staff/:staffId`, { config: { access: readers } }, async (request, reply) => {
    const staff = await organisation.staffMember((request.params as { staffId: string }).staffId)
    if (!staff) throw new NotFoundError()
    const training = await organisation.trainingFor(staff.id)
    return reply.render('organisation/views/staff-member.njk', {
      pageTitle: staff.name,
      staff: { ...staff, rankLabel: rankLabels[staff.rank as keyof typeof rankLabels] ?? staff.rank },
      training: training.map((t) => ({
        ...t,
        courseLabel: courseLabels[t.course as keyof typeof courseLabels] ?? t.course,
      })),
      canChange: isAdmin(request),
    })
  })

  app.get(
    `${organisationPath}/staff/:staffId/edit`,
    { config: { access: admins } },
    async (request, reply) => {
      const staff = await organisation.staffMember((request.params as { staffId: string }).staffId)
      if (!staff) throw new NotFoundError()
      return renderStaffForm(
        reply,
        staff,
        {
          staffNumber: staff.staffNumber,
          name: staff.name,
          rank: staff.rank,
          role: staff.role,
          teamId: staff.teamId ?? '',
          active: staff.active,
        },
        dateParts(staff.startDate),
        new FormErrors(),
      )
    },
  )

  app.post(`${organisationPath}/staff/:staffId`, { config: { access: admins } }, async (request, reply) => {
    const staff = await organisation.staffMember((request.params as { staffId: string }).staffId)
    if (!staff) throw new NotFoundError()
    const body = request.body as Body
    const version = versionOf(body)
    const errors = new FormErrors()
    const input = staffInput(body, errors)
    return form(
      errors,
      async () => {
        await organisation.updateStaff(staff.id, version, input, author(request))
        return reply.redirect(`${organisationPath}/staff/${staff.id}`, 303)
      },
      () =>
        renderStaffForm(
          reply,
          { id: staff.id, version },
          staffValues(body),
          parseDateInput(body, 'startDate', { label: 'Start date' }).parts,
          errors,
        ),
    )
  })

  // ---- training ----

  async function renderTrainingForm(
    reply: FastifyReply,
    staff: { id: string; name: string },
    course: string,
    completedOn: DateParts,
    errors: FormErrors,
  ) {
    return reply.code(errors.any ? 400 : 200).render('organisation/views/training-form.njk', {
      pageTitle: `Add a training record for ${staff.name}`,
      staff,
      courseItems: courses.map((value) => ({ value, text: courseLabels[value], checked: value === course })),
      dateItems: dateField(completedOn, errors, 'completedOn'),
      ...errors.context(),
    })
  }

  app.get(
    `${organisationPath}/staff/:staffId/training/new`,
    { config: { access: admins } },
    async (request, reply) => {
      const staff = await organisation.staffMember((request.params as { staffId: string }).staffId)
      if (!staff) throw new NotFoundError()
      return renderTrainingForm(reply, staff, '', dateParts(null), new FormErrors())
    },
  )

  app.post(
    `${organisationPath}/staff/:staffId/training`,
    { config: { access: admins } },
    async (request, reply) => {
      const staff = await organisation.staffMember((request.params as { staffId: string }).staffId)
      if (!staff) throw new NotFoundError()
      const body = request.body as Body
      const errors = new FormErrors()
      const completedOn = parseDateInput(body, 'completedOn', { label: 'Completion date' })
      errors.addDate('completedOn', completedOn)
      const course = text(body, 'course')
      if (!course) errors.add([{ field: 'course', reason: 'Select the course' }])
      return form(
        errors,
        async () => {
          await organisation.addTraining(
            staff.id,
            { course, completedOn: completedOn.value ?? '' },
            author(request),
          )
          return reply.redirect(`${organisationPath}/staff/${staff.id}`, 303)
        },
        () => renderTrainingForm(reply, staff, course, completedOn.parts, errors),
      )
    },
  )
}
