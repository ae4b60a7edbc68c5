import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { reachOf } from '../../../platform/access/need-to-know.ts'
import { dateInputItems, dateParts } from '../../../platform/http/date-input.ts'
import { NotFoundError } from '../../../platform/http/errors.ts'
import { formText } from '../../../platform/http/form-body.ts'
import {
  checkbox,
  dateInput,
  optionalText,
  radios,
  recordVersion,
  text,
} from '../../../platform/http/form-fields.ts'
import { page, view } from '../../../platform/http/page.ts'
import type { Services } from '../../../services.ts'
import { courseLabels, rankLabels, ranks } from '../organisation.ts'
import type { StaffMember } from '../service.ts'
import { admins, isAdmin, organisationPath, readers, recordOptions, selectOptions } from './shared.ts'

/** The staff form's fields, in the order the page shows them; the service checks them again. */
const staffForm = z.object({
  staffNumber: text({ required: 'Enter the staff number' }),
  name: text({ required: 'Enter the name', maxLength: 200, tooLong: 'Name must be 200 characters or fewer' }),
  rank: radios(ranks, 'Select the rank'),
  role: text({ maxLength: 200, tooLong: 'Role must be 200 characters or fewer' }),
  teamId: optionalText(),
  startDate: dateInput({ label: 'Start date' }),
  active: checkbox(),
})
const staffEditForm = staffForm.extend({ version: recordVersion() })

/** What the form shows: as typed, or from the record. */
type StaffValues = Record<string, unknown>

const valuesOf = (staff: StaffMember): StaffValues => ({
  staffNumber: staff.staffNumber,
  name: staff.name,
  rank: staff.rank,
  role: staff.role,
  teamId: staff.teamId ?? '',
  active: staff.active,
})

/** The force's staff: the list, one person's record, adding one and changing one. */
export function staffPages(app: FastifyInstance, services: Services) {
  const organisation = services.organisation

  async function staffFormView(
    staff: { id?: string; version?: number | string },
    values: StaffValues,
    startDate: ReturnType<typeof dateInputItems>,
  ) {
    const force = await organisation.force()
    const teams = await organisation.teams(force.id)
    return view('organisation/views/staff-form.njk', {
      pageTitle: staff.id ? `Change staff member: ${values.name}` : 'Add a member of staff',
      action: staff.id ? `${organisationPath}/staff/${staff.id}` : `${organisationPath}/staff`,
      cancel: staff.id ? `${organisationPath}/staff/${staff.id}` : `${organisationPath}/staff`,
      version: staff.version,
      values,
      rankOptions: selectOptions(ranks, rankLabels, String(values.rank ?? ''), 'Select the rank'),
      teamOptions: recordOptions(teams, String(values.teamId ?? ''), 'No team', (t) =>
        t.active ? t.name : `${t.name} (inactive)`,
      ),
      dateItems: startDate,
    })
  }

  page(app, `${organisationPath}/staff`, {
    access: readers,
    get: async ({ query, principal }) => {
      const force = await organisation.force()
      const teamId = formText(query, 'team')
      const [staff, teams] = await Promise.all([
        organisation.staffList(force.id, { teamId: teamId || null }),
        organisation.teams(force.id),
      ])
      return view('organisation/views/staff-list.njk', {
        pageTitle: 'Staff',
        staff: staff.map((s) => ({
          ...s,
          rankLabel: rankLabels[s.rank as keyof typeof rankLabels] ?? s.rank,
        })),
        teamOptions: recordOptions(teams, teamId, 'All teams'),
        canChange: isAdmin(principal),
      })
    },
  })

  page(app, `${organisationPath}/staff/new`, {
    access: admins,
    form: staffForm,
    action: `${organisationPath}/staff`,
    get: async ({ query, form }) =>
      form
        ? staffFormView({}, form.values, form.dateItems('startDate'))
        : staffFormView(
            {},
            { active: true, teamId: formText(query, 'team') },
            dateInputItems(dateParts(null)),
          ),
    post: async ({ input, principal }) => {
      const force = await organisation.force()
      const staff = await organisation.createStaff(force.id, input, principal.id)
      return `${organisationPath}/staff/${staff.id}`
    },
  })

  page(app, `${organisationPath}/staff/:staffId`, {
    access: readers,
    get: async ({ params, principal }) => {
      const staff = await organisation.staffMember(params.staffId as string)
      if (!staff) throw new NotFoundError()
      const [training, panels] = await Promise.all([
        organisation.trainingFor(staff.id),
        organisation.staffPanels(staff.id, reachOf(principal)),
      ])
      return view('organisation/views/staff-member.njk', {
        pageTitle: staff.name,
        staff: { ...staff, rankLabel: rankLabels[staff.rank as keyof typeof rankLabels] ?? staff.rank },
        training: training.map((t) => ({
          ...t,
          courseLabel: courseLabels[t.course as keyof typeof courseLabels] ?? t.course,
        })),
        panels,
        canChange: isAdmin(principal),
      })
    },
  })

  page(app, `${organisationPath}/staff/:staffId/edit`, {
    access: admins,
    form: staffEditForm,
    action: `${organisationPath}/staff/:staffId`,
    get: async ({ params, form }) => {
      const staff = await organisation.staffMember(params.staffId as string)
      if (!staff) throw new NotFoundError()
      // Shown again, the form keeps the version the person started from, so a stale edit stays stale.
      return form
        ? staffFormView(
            { id: staff.id, version: form.values.version },
            form.values,
            form.dateItems('startDate'),
          )
        : staffFormView(staff, valuesOf(staff), dateInputItems(dateParts(staff.startDate)))
    },
    post: async ({ params, input: { version, ...input }, principal }) => {
      const staff = await organisation.staffMember(params.staffId as string)
      if (!staff) throw new NotFoundError()
      await organisation.updateStaff(staff.id, version, input, principal.id)
      return `${organisationPath}/staff/${staff.id}`
    },
  })
}
