import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { reachOf } from '../../../platform/access/need-to-know.ts'
import type { Principal } from '../../../platform/auth/principal.ts'
import { type FieldError, ValidationError } from '../../../platform/http/errors.ts'
import { parseForm, readForm } from '../../../platform/http/form.ts'
import { type FormBody, formText } from '../../../platform/http/form-body.ts'
import { checkboxes, dateTimeInput, text } from '../../../platform/http/form-fields.ts'
import { page, view } from '../../../platform/http/page.ts'
import type { Services } from '../../../services.ts'
import { displayName } from '../../children/person.ts'
import { investigationWorkers } from '../access.ts'
import {
  caseTypeLabels,
  caseTypes,
  personRoleLabels,
  personRoles,
  riskLevels,
  strandLabels,
  strands,
} from '../investigation.ts'
import { actorOf, group, instantOf, investigationsPath, rowErrors, typed } from './shared.ts'

const personRows = [0, 1, 2, 3] as const
type PersonField = `people-${(typeof personRows)[number]}-${'person' | 'role'}`

const openedAt = z.object({ openedAt: dateTimeInput({ label: 'Date the investigation was opened' }) })

const personFields = Object.fromEntries(
  personRows.flatMap((n) => [
    [`people-${n}-person`, text()],
    [`people-${n}-role`, text()],
  ]),
) as Record<PersonField, ReturnType<typeof text>>

/**
 * The fields in the order the page shows them, which the error summary follows. Nearly every check
 * needs the service (the people, the borough, the PACs), and a wrong date must be listed with those, not
 * instead of them: so the form only reads here, the date is checked in `post` alongside the rest, and
 * the person search, which checks nothing, reaches `post` whatever else is typed.
 */
const openForm = z.object({
  caseType: text(),
  strands: checkboxes(),
  riskLevel: text(),
  summary: text(),
  boroughId: text(),
  openedAt: openedAt.shape.openedAt.nullable().catch(null),
  // "Link at least one child": the rows as a whole.
  people: group(),
  ...personFields,
  findPerson: text(),
  pacRefs: text(),
})

type Found = { ref: string; name: string; dateOfBirth: string | null }[]

/** Opening an investigation, finding its people in the person index as the form is filled in. */
export function openPages(app: FastifyInstance, services: Services) {
  const { investigations, organisation, children, referrals } = services

  async function openView(
    principal: Principal,
    values: Record<string, unknown>,
    errorParts: Record<string, unknown> = {},
    found: Found | null = null,
  ) {
    const force = await organisation.force()
    const boroughs = await organisation.boroughs(force.id)
    // The borough chosen for them when their area holds only one (a force-wide reach names none).
    const own = reachOf(principal).boroughIds
    const boroughId = (values.boroughId as string | undefined) || (own.length === 1 ? own[0] : '')
    const strandsChosen = [values.strands ?? []].flat()
    return view('investigations/views/open.njk', {
      pageTitle: 'Open an investigation',
      values,
      errorParts,
      personRows,
      found,
      caseTypeItems: [
        { value: '', text: 'Select the case type' },
        ...caseTypes.map((t) => ({ value: t, text: caseTypeLabels[t], selected: t === values.caseType })),
      ],
      strandItems: strands.map((s) => ({
        value: s,
        text: strandLabels[s],
        checked: strandsChosen.includes(s),
      })),
      riskItems: riskLevels.map((r) => ({
        value: r,
        text: r.charAt(0).toUpperCase() + r.slice(1),
        checked: values.riskLevel === r,
      })),
      boroughItems: [
        { value: '', text: 'Select the borough' },
        ...boroughs.map((b) => ({ value: b.id, text: b.name, selected: b.id === boroughId })),
      ],
      roleItems: (n: number) => [
        { value: '', text: 'Select the role' },
        ...personRoles.map((r) => ({
          value: r,
          text: personRoleLabels[r],
          selected: values[`people-${n}-role`] === r,
        })),
      ],
    })
  }

  /** The PACs named, each of which must be about one of the people linked (and within the opener's reach). */
  async function pacsNamed(refs: string[], people: string[], principal: Principal) {
    const ids: string[] = []
    const errors: FieldError[] = []
    if (!refs.length) return { ids, errors }
    // forPerson answers within the opener's reach: another's PAC is refused as if it did not exist.
    const pacs = []
    for (const ref of people) {
      const person = await children.find(ref)
      if (person) pacs.push(...(await referrals.forPerson(person.id, reachOf(principal))))
    }
    for (const ref of refs) {
      const pac = pacs.find((p) => p.ref.toLowerCase() === ref.toLowerCase())
      if (pac) ids.push(pac.id)
      else errors.push({ field: 'pacRefs', reason: `${ref} is not a PAC about the people linked here` })
    }
    return { ids, errors }
  }

  page(app, `${investigationsPath}/new`, {
    access: investigationWorkers,
    form: openForm,
    get: async ({ principal, form }) => openView(principal, form ? typed(form.values) : {}, form?.errorParts),
    post: async ({ input, principal, request }) => {
      const body = request.body as FormBody
      const values = typed(readForm(openForm, body))
      // Without JavaScript the search for a person is a submit of the same form: nothing is written, the
      // entries are kept, and the one chosen is put in the first empty row.
      const adding = formText(body, 'add')
      if (adding) {
        const row = personRows.find((n) => !input[`people-${n}-person`])
        if (row !== undefined) values[`people-${row}-person`] = adding
        return openView(principal, values)
      }
      if (formText(body, 'find')) {
        if (!input.findPerson)
          throw new ValidationError([
            { field: 'findPerson', reason: 'Enter a name or reference to search for' },
          ])
        const people = await children.search(
          { q: input.findPerson },
          { actor: principal, requestId: request.id },
          20,
        )
        const found = people.map((p) => ({ ref: p.ref, name: displayName(p), dateOfBirth: p.dateOfBirth }))
        return openView(principal, values, {}, found)
      }

      const rows = personRows
        .map((n) => ({ n, person: input[`people-${n}-person`], role: input[`people-${n}-role`] }))
        .filter((r) => r.person || r.role)
      const errors: FieldError[] = rows
        .filter((r) => !r.person)
        .map((r) => ({ field: `people-${r.n}-person`, reason: 'Enter the person’s reference' }))
      const date = parseForm(openedAt, body)
      if (!date.ok) {
        const time = date.state.fieldErrors['openedAt-time']
        const problem = time ?? date.state.fieldErrors.openedAt
        if (problem) errors.push({ field: time ? 'openedAt-time' : 'openedAt', reason: problem.text })
      }
      const used = rows.filter((r) => r.person)
      const refs = input.pacRefs.split(/[\s,]+/).filter(Boolean)
      const pacs = await pacsNamed(
        refs,
        used.map((r) => r.person),
        principal,
      )
      errors.push(...pacs.errors)
      // With a mistake found here, the service still checks the rest so every mistake is shown at once: an
      // opening date beyond any clock makes certain it refuses, and that date's own error is dropped.
      const beyondAnyClock = new Date(8.64e15)
      try {
        const written = await investigations.open(
          {
            caseType: input.caseType,
            strands: input.strands,
            riskLevel: input.riskLevel,
            summary: input.summary,
            boroughId: input.boroughId,
            openedAt: errors.length || !date.ok ? beyondAnyClock : instantOf(date.input.openedAt),
            people: used.map((r) => ({ personIdOrRef: r.person, role: r.role })),
            pacIds: pacs.ids,
          },
          actorOf(principal),
        )
        return `${investigationsPath}/${written.id}`
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        const found = error.errors.filter((e) => !(errors.length && e.field === 'openedAt'))
        // The page handler lists them all in the order of the form's fields.
        throw new ValidationError([...errors, ...rowErrors(found, (i) => used[i]?.n ?? 0)])
      }
    },
  })
}
