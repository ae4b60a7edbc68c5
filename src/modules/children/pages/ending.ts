import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { Principal } from '../../../platform/auth/principal.ts'
import type { DateParts } from '../../../platform/http/date-input.ts'
import { dateInputItems, dateParts } from '../../../platform/http/date-input.ts'
import { ConflictError, NotFoundError, ValidationError } from '../../../platform/http/errors.ts'
import { readForm } from '../../../platform/http/form.ts'
import type { FormBody } from '../../../platform/http/form-body.ts'
import { dateInput, hidden } from '../../../platform/http/form-fields.ts'
import { page, view } from '../../../platform/http/page.ts'
import type { Services } from '../../../services.ts'
import { personWriters } from '../access.ts'
import { displayName } from '../person.ts'
import type { Person } from '../service.ts'
import { conflictSummary, peoplePath, personToChange, versionNumber } from './shared.ts'

/**
 * Ending a flag or a household membership: the date it ended, on or after it started. The form carries
 * the version the user read, so a change made by someone else in the meantime answers 409 with what the
 * user typed kept on the page.
 */
const endForm = z.object({
  version: hidden(),
  toDate: dateInput({ label: 'End date' }),
})

interface Ended {
  id: string
  fromDate: string
  version: number
}

export interface Ending<R extends Ended> {
  /** Under /people/:id, with :recordId for the flag or membership. */
  path: string
  title: string
  legend: string
  /** Under /people/:id. */
  back: string
  load(person: Person, recordId: string): Promise<R | undefined>
  describe(record: R): { key: string; value: string }[]
  end(recordId: string, version: number, toDate: string, principal: Principal): Promise<unknown>
}

const day = (value: string | null) => (value ? new Date(`${value}T12:00:00Z`) : null)

/** A day as the summary lists show it, "1 May 2017"; "Current" for none. */
export const longDate = (value: string | null) =>
  day(value)?.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric' }) ?? 'Current'

export function endingPage<R extends Ended>(app: FastifyInstance, services: Services, options: Ending<R>) {
  const recordOf = async (person: Person, recordId: string) => {
    const record = await options.load(person, recordId)
    if (!record) throw new NotFoundError('There is no such record for this person')
    return record
  }

  const endView = (
    person: Person,
    record: R,
    version: string,
    dateItems: ReturnType<typeof dateInputItems>,
    conflict?: ReturnType<typeof conflictSummary>,
  ) =>
    view(
      'children/views/end-form.njk',
      {
        pageTitle: `${options.title}: ${displayName(person)}`,
        title: options.title,
        legend: options.legend,
        name: displayName(person),
        rows: options.describe(record),
        action: `${peoplePath}/${person.id}${options.path.replace(':recordId', record.id)}`,
        back: `${peoplePath}/${person.id}${options.back}`,
        version,
        dateItems,
        ...conflict,
      },
      conflict ? 409 : undefined,
    )

  page(app, `${peoplePath}/:id${options.path}`, {
    access: personWriters,
    form: endForm,
    get: async ({ request, reply, params, form }) => {
      const suffix = options.path.replace(':recordId', params.recordId as string)
      const person = await personToChange(services, request, reply, suffix)
      if (!person) return reply
      const record = await recordOf(person, params.recordId as string)
      return endView(
        person,
        record,
        form?.values.version || String(record.version),
        form ? form.dateItems('toDate') : dateInputItems(dateParts(null)),
      )
    },
    post: async ({ request, reply, params, input, principal }) => {
      const suffix = options.path.replace(':recordId', params.recordId as string)
      const person = await personToChange(services, request, reply, suffix)
      if (!person) return reply
      const record = await recordOf(person, params.recordId as string)
      if (input.toDate < record.fromDate)
        throw new ValidationError([
          { field: 'toDate', reason: 'End date must be the same as or after the start date' },
        ])
      try {
        const version = versionNumber(input.version)
        if (version === null) throw new ConflictError()
        await options.end(record.id, version, input.toDate, principal)
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error
        // The record as it now is, and its version: saving again is a deliberate choice.
        const now = await recordOf(person, record.id)
        const typed = readForm(endForm, request.body as FormBody)
        return endView(
          person,
          now,
          String(now.version),
          dateInputItems(typed.toDate as DateParts),
          conflictSummary(),
        )
      }
      return `${peoplePath}/${person.id}${options.back}`
    },
  })
}
