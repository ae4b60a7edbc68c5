import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { dateInputItems, dateParts } from '../../../platform/http/date-input.ts'
import { ConflictError } from '../../../platform/http/errors.ts'
import { readForm } from '../../../platform/http/form.ts'
import type { FormBody } from '../../../platform/http/form-body.ts'
import { hidden } from '../../../platform/http/form-fields.ts'
import { page, view } from '../../../platform/http/page.ts'
import type { Services } from '../../../services.ts'
import { personWriters } from '../access.ts'
import { ageAt, displayName, ethnicityLabel } from '../person.ts'
import type { Person } from '../service.ts'
import { always, detailFields, detailItems, notBoth, personInput } from './person-form.ts'
import { conflictSummary, peoplePath, personToChange, versionNumber } from './shared.ts'

/**
 * Changing a person's details. The form carries the version the user read, so a change made by someone
 * else in the meantime answers 409 with what the user typed kept on the page and the record as it now is.
 */
const editForm = z.object({ version: hidden(), ...detailFields }).superRefine(notBoth, always)

/** The form as first shown: the record's details. */
const valuesOf = (person: Person) => ({
  familyName: person.familyName,
  givenNames: person.givenNames,
  estimatedAgeYears:
    !person.dateOfBirth && person.estimatedAgeYears !== null ? String(person.estimatedAgeYears) : '',
  gender: person.gender,
  ethnicity: person.ethnicity,
  version: String(person.version),
})

export function editPages(app: FastifyInstance, services: Services) {
  const { children } = services

  const editView = (
    person: Person,
    values: Record<string, unknown>,
    dobItems: ReturnType<typeof dateInputItems>,
    conflict?: Person,
  ) =>
    view(
      'children/views/edit.njk',
      {
        pageTitle: `Change details: ${displayName(person)}`,
        person,
        name: displayName(person),
        values,
        // After a conflict the form carries the version now stored, so saving again is a deliberate choice.
        version: conflict ? conflict.version : values.version,
        conflict: conflict
          ? {
              ...conflict,
              name: displayName(conflict),
              ethnicity: ethnicityLabel(conflict.ethnicity),
              age: ageAt(conflict, children.today()),
            }
          : undefined,
        ...detailItems(values),
        dobItems,
        ...(conflict ? conflictSummary() : {}),
      },
      conflict ? 409 : undefined,
    )

  page(app, `${peoplePath}/:id/edit`, {
    access: personWriters,
    form: editForm,
    get: async ({ request, reply, form }) => {
      const person = await personToChange(services, request, reply, '/edit')
      if (!person) return reply
      return form
        ? editView(person, form.values, form.dateItems('dateOfBirth'))
        : editView(person, valuesOf(person), dateInputItems(dateParts(person.dateOfBirth)))
    },
    post: async ({ request, reply, input, principal }) => {
      const person = await personToChange(services, request, reply, '/edit')
      if (!person) return reply
      try {
        const version = versionNumber(input.version)
        if (version === null) throw new ConflictError()
        await children.update(person.id, version, personInput(input), principal)
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error
        // The page shows the record as it is now: a read.
        await children.recordView(principal, person.id, request.id)
        const typed = readForm(editForm, request.body as FormBody)
        return editView(person, typed, dateInputItems(typed.dateOfBirth), await children.get(person.id))
      }
      return `${peoplePath}/${person.id}`
    },
  })
}
