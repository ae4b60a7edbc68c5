import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { permits } from '../../../platform/access/access.ts'
import { dateInputItems, dateParts } from '../../../platform/http/date-input.ts'
import { NotFoundError } from '../../../platform/http/errors.ts'
import { dateInput, radios, recordVersion, text } from '../../../platform/http/form-fields.ts'
import { page, view } from '../../../platform/http/page.ts'
import type { Services } from '../../../services.ts'
import {
  type Course,
  courseLabels,
  courses,
  type TeamKind,
  teamKindLabels,
  teamKinds,
} from '../../organisation/organisation.ts'
import { skillsAccess } from '../access.ts'
import { inForce } from '../coverage.ts'
import { skillsPath } from './shared.ts'

/** The requirement form's fields, in the order the page shows them; the service checks them again. */
const requirementForm = z.object({
  teamKind: radios(teamKinds, 'Select the kind of team'),
  staffRole: text({ maxLength: 200, tooLong: 'Role must be 200 characters or fewer' }),
  course: radios(courses, 'Select the course'),
  effectiveFrom: dateInput({ label: 'Date the requirement starts' }),
  source: text({ maxLength: 500, tooLong: 'Source must be 500 characters or fewer' }),
})

const endForm = z.object({
  effectiveTo: dateInput({ label: 'Last day' }),
  version: recordVersion(),
})

const kindLabel = (kind: string) => teamKindLabels[kind as TeamKind] ?? kind

/** The training matrix: what each kind of team (and role) requires; admins add rows and end them. */
export function requirementPages(app: FastifyInstance, services: Services) {
  const { skills } = services

  page(app, `${skillsPath}/requirements`, {
    access: skillsAccess.read,
    get: async ({ principal }) => {
      const all = await skills.requirements()
      const today = skills.today()
      const current = all.filter((r) => inForce(r, today))
      // One matrix row per team kind and role with a requirement today; a column per course.
      const rowKeys = [...new Set(current.map((r) => `${r.teamKind}|${r.staffRole}`))]
      const shownCourses = courses.filter((c) => current.some((r) => r.course === c))
      return view('skills/views/requirements.njk', {
        pageTitle: 'Training each team requires',
        today,
        canChange: permits(skillsAccess.configure, principal.roles),
        courseNames: shownCourses.map((c) => courseLabels[c]),
        matrix: rowKeys.map((key) => {
          const [kind, role] = key.split('|') as [string, string]
          return {
            name: role ? `${kindLabel(kind)}: ${role}` : kindLabel(kind),
            cells: shownCourses.map((c) =>
              current.find((r) => r.teamKind === kind && r.staffRole === role && r.course === c)
                ? 'Required'
                : 'Not required',
            ),
          }
        }),
        rows: all.map((r) => ({
          ...r,
          kindLabel: kindLabel(r.teamKind),
          courseLabel: courseLabels[r.course as Course] ?? r.course,
          endHref: r.effectiveTo === null ? `${skillsPath}/requirements/${r.id}/end` : null,
        })),
      })
    },
  })

  page(app, `${skillsPath}/requirements/new`, {
    access: skillsAccess.configure,
    form: requirementForm,
    action: `${skillsPath}/requirements`,
    get: async ({ form }) => {
      const values: Record<string, unknown> = form?.values ?? {}
      return view('skills/views/requirement-form.njk', {
        pageTitle: 'Add a training requirement',
        values,
        kindItems: teamKinds.map((k) => ({
          value: k,
          text: teamKindLabels[k],
          checked: k === values.teamKind,
        })),
        courseItems: courses.map((c) => ({ value: c, text: courseLabels[c], checked: c === values.course })),
        dateItems: form ? form.dateItems('effectiveFrom') : dateInputItems(dateParts(null)),
      })
    },
    post: async ({ input, principal }) => {
      await skills.addRequirement(input, principal)
      return `${skillsPath}/requirements`
    },
  })

  page(app, `${skillsPath}/requirements/:requirementId/end`, {
    access: skillsAccess.configure,
    form: endForm,
    get: async ({ params, form }) => {
      const found = await skills.requirement(params.requirementId as string)
      if (!found) throw new NotFoundError('There is no such training requirement')
      return view('skills/views/requirement-end.njk', {
        pageTitle: `End a requirement: ${kindLabel(found.teamKind)}, ${courseLabels[found.course]}`,
        requirement: found,
        version: form?.values.version ?? found.version,
        dateItems: form ? form.dateItems('effectiveTo') : dateInputItems(dateParts(null)),
      })
    },
    post: async ({ params, input, principal }) => {
      await skills.endRequirement(params.requirementId as string, input.version, input.effectiveTo, principal)
      return `${skillsPath}/requirements`
    },
  })
}
