import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { dateInputItems, dateParts } from '../../../platform/http/date-input.ts'
import { type FormState, formState, parseForm, problemsFromFieldErrors } from '../../../platform/http/form.ts'
import type { FormBody } from '../../../platform/http/form-body.ts'
import { formText } from '../../../platform/http/form-body.ts'
import { dateInput, text } from '../../../platform/http/form-fields.ts'
import { page, view } from '../../../platform/http/page.ts'
import { pageAsked, pageOfList } from '../../../platform/http/pagination.ts'
import { isIsoDate } from '../../../platform/time.ts'
import type { Services } from '../../../services.ts'
import { personReaders, personWriterRoles } from '../access.ts'
import { ageAt, displayName } from '../person.ts'
import { listViewer, peoplePath } from './shared.ts'

/** The search form (a GET): a name or reference, and a date of birth. */
const searchForm = z.object({
  q: text(),
  dob: dateInput({ label: 'Date of birth', required: false }),
})

export interface PeopleSearch {
  q: string
  /** The date of birth asked for, when it is a real one. */
  dob: string | undefined
  /** Set when the date of birth is not a real date: the summary, the field's message, the boxes. */
  problems: FormState<typeof searchForm> | undefined
  dobItems: ReturnType<typeof dateInputItems>
}

/**
 * Reads a search from the query: the date of birth from its three boxes, or (from a link) `dob` as
 * 'YYYY-MM-DD', shown in the boxes.
 */
export function readSearch(query: FormBody, options: { isoDate: boolean }): PeopleSearch {
  const parsed = parseForm(searchForm, query)
  if (!parsed.ok) {
    return {
      q: formText(query, 'q'),
      dob: undefined,
      problems: parsed.state,
      dobItems: parsed.state.dateItems('dob'),
    }
  }
  const { q, dob } = parsed.input
  const dobText = options.isoDate && dob === null ? formText(query, 'dob') : ''
  if (dobText && !isIsoDate(dobText)) {
    const problems = formState(
      searchForm,
      parsed.values,
      problemsFromFieldErrors([{ field: 'dob', reason: 'Date of birth must be a real date' }]),
    )
    return { q, dob: undefined, problems, dobItems: dateInputItems(dateParts(null)) }
  }
  const value = dob ?? (dobText || undefined)
  return { q, dob: value, problems: undefined, dobItems: dateInputItems(dateParts(value)) }
}

const pageSize = 50

/** Search: by name (sound-alike), date of birth and reference, a page at a time. */
export function searchPages(app: FastifyInstance, services: Services) {
  const { children } = services

  page(app, peoplePath, {
    access: personReaders,
    get: async ({ request, query, principal }) => {
      const search = readSearch(query, { isoDate: true })
      const searched = Boolean(search.q || search.dob)
      const pageNumber = pageAsked(query)
      const { people, total } =
        !search.problems && searched
          ? await children.searchPage({ q: search.q, dob: search.dob }, listViewer(request), {
              limit: pageSize,
              offset: (pageNumber - 1) * pageSize,
            })
          : { people: [], total: 0 }
      const today = children.today()
      return view('children/views/search.njk', {
        pageTitle: 'Search people',
        q: search.q,
        searched,
        dobItems: search.dobItems,
        results: people.map((p) => ({ ...p, name: displayName(p), age: ageAt(p, today) })),
        ...pageOfList({
          path: peoplePath,
          query,
          page: pageNumber,
          size: pageSize,
          total,
          shown: people.length,
        }),
        canCreate: principal.roles.some((r) => personWriterRoles.includes(r)),
        errors: search.problems?.errors ?? [],
        fieldErrors: search.problems?.fieldErrors ?? {},
      })
    },
  })
}
