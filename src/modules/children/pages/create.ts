import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { dateInputItems, dateParts } from '../../../platform/http/date-input.ts'
import { ValidationError } from '../../../platform/http/errors.ts'
import { type FormState, formState, readForm } from '../../../platform/http/form.ts'
import type { FormBody } from '../../../platform/http/form-body.ts'
import { formText } from '../../../platform/http/form-body.ts'
import { checkbox, dateInput, optionalText, text } from '../../../platform/http/form-fields.ts'
import { page, view } from '../../../platform/http/page.ts'
import type { Services } from '../../../services.ts'
import { personWriters } from '../access.ts'
import { boroughsOf } from '../boroughs.ts'
import { ageAt, displayName } from '../person.ts'
import { type Person, PossibleDuplicateError } from '../service.ts'
import { returnToJourney } from './find-child.ts'
import { always, detailFields, detailItems, notBoth, personInput } from './person-form.ts'
import { boroughItems, listViewer, peoplePath } from './shared.ts'

/** Adding a person: their details and, if known, where they live now. */
const createForm = z
  .object({
    ...detailFields,
    address: text(),
    postcode: optionalText(),
    boroughId: optionalText(),
    addressFrom: dateInput({ label: 'Date they started living there', required: false }),
    confirmNotDuplicate: checkbox(),
    // The journey that sent the person here to add the child (find-child.ts), to go back to with them.
    returnTo: optionalText(),
  })
  .superRefine((values, ctx) => {
    notBoth(values, ctx)
    // The date is asked for only with an address; a problem with its boxes is already listed first.
    if (values.address && values.addressFrom === null)
      ctx.addIssue({ code: 'custom', path: ['addressFrom'], message: 'Enter date they started living there' })
  }, always)

/** The service names the first address's fields address.*; the form's inputs are named on their own. */
const formFields: Record<string, string> = {
  'address.address': 'address',
  'address.postcode': 'postcode',
  'address.boroughId': 'boroughId',
  'address.fromDate': 'addressFrom',
}

export function createPages(app: FastifyInstance, services: Services) {
  const { children } = services

  const createView = async (
    values: Record<string, unknown>,
    form: FormState<typeof createForm> | undefined,
    duplicates?: Person[],
  ) => {
    const boroughs = await boroughsOf(services.db)
    const today = children.today()
    return view('children/views/create.njk', {
      pageTitle: 'Add a person',
      values,
      ...detailItems(values),
      boroughItems: boroughItems(boroughs, String(values.boroughId ?? '')),
      dobItems: form ? form.dateItems('dateOfBirth') : dateInputItems(dateParts(null)),
      fromItems: form ? form.dateItems('addressFrom') : dateInputItems(dateParts(null)),
      // Each possible match, and (from a journey) the way to choose them instead of adding them again.
      duplicates: duplicates?.map((p) => ({
        ...p,
        name: displayName(p),
        age: ageAt(p, today),
        chooseHref: returnToJourney(String(values.returnTo ?? ''), p.ref),
      })),
    })
  }

  page(app, `${peoplePath}/new`, {
    access: personWriters,
    form: createForm,
    get: async ({ query, form }) =>
      createView(
        form?.values ?? {
          familyName: formText(query, 'familyName'),
          givenNames: formText(query, 'givenNames'),
          gender: 'not known',
          ethnicity: 'NS',
          returnTo: formText(query, 'returnTo'),
        },
        form,
      ),
    post: async ({ request, input, principal }) => {
      try {
        const person = await children.create(
          {
            ...personInput(input),
            address: input.address
              ? {
                  address: input.address,
                  postcode: input.postcode,
                  boroughId: input.boroughId,
                  fromDate: input.addressFrom as string,
                  toDate: null,
                }
              : null,
          },
          principal,
          { confirmedNotDuplicate: input.confirmNotDuplicate },
        )
        return returnToJourney(input.returnTo, person.ref) ?? `${peoplePath}/${person.id}`
      } catch (error) {
        if (error instanceof ValidationError)
          throw new ValidationError(
            error.errors.map((e) => ({ ...e, field: formFields[e.field] ?? e.field })),
          )
        if (error instanceof PossibleDuplicateError) {
          // The possible matches are listed: one list read naming them. The form is shown again as typed.
          await children.recordList(
            listViewer(request),
            error.candidates.map((p) => p.id),
            { detail: { reason: 'possible duplicates of a new person' } },
          )
          const values = readForm(createForm, request.body as FormBody)
          return createView(values, formState(createForm, values, []), error.candidates)
        }
        throw error
      }
    },
  })
}
