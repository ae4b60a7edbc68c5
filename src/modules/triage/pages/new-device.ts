import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { NotFoundError, ValidationError } from '../../../platform/http/errors.ts'
import { dateTimeInput, radios, text } from '../../../platform/http/form-fields.ts'
import { page, view } from '../../../platform/http/page.ts'
// The offenders forms' field drawing is generic (GOV.UK components from a field list); shared, not copied.
import { type FormField, fieldsView, inFormWords, instantOf, nowParts } from '../../offenders/pages/shared.ts'
import { triageAccess } from '../access.ts'
import { deviceKindLabels, deviceKinds, deviceRefPattern, deviceRefRule } from '../device.ts'
import { devicesPath, type TriagePageServices } from './shared.ts'

const newDeviceForm = z.object({
  caseRef: text({ required: 'Enter the reference of the case it was seized in', maxLength: 200 }),
  ref: text({ required: 'Enter the exhibit reference', maxLength: 100 }),
  description: text({ required: 'Describe the device', maxLength: 500 }),
  deviceKind: radios(deviceKinds, 'Select the kind of device'),
  at: dateTimeInput({ label: 'Date and time it was seized' }).transform(instantOf),
})

const fields: readonly FormField[] = [
  {
    name: 'caseRef',
    kind: 'text',
    label: 'Case reference',
    hint: 'The online case it was seized in: the device is held by the team the case is allocated to',
    short: true,
  },
  { name: 'ref', kind: 'text', label: 'Exhibit reference', short: true },
  { name: 'description', kind: 'text', label: 'Description' },
  {
    name: 'deviceKind',
    kind: 'radios',
    label: 'Kind of device',
    options: deviceKinds.map((k) => ({ value: k, text: deviceKindLabels[k] })),
  },
  { name: 'at', kind: 'datetime', label: 'Date and time it was seized' },
]
/** The service's names for the form's boxes. */
const formField = (field: string) => (field === 'seizedAt' ? 'at' : field)

/**
 * Recording a device seized in a case: the one form for devices, which the online case page links to with
 * its reference filled in. The device is kept as the API keeps it (`saveDevice`), held where the case is; an
 * exhibit reference already recorded is refused rather than replaced.
 */
export function newDevicePage(app: FastifyInstance, { triage, clock }: TriagePageServices) {
  page(app, `${devicesPath}/new`, {
    access: triageAccess.recordDevice,
    form: newDeviceForm,
    get: async ({ form, query }) =>
      view('triage/views/new-device.njk', {
        pageTitle: 'Record a seized device',
        fields: fieldsView(fields, form, {
          caseRef: typeof query?.case === 'string' ? query.case : '',
          at: nowParts(clock.now()),
        }),
      }),
    post: async ({ input, principal }) => {
      if (!deviceRefPattern.test(input.ref))
        throw new ValidationError([{ field: 'ref', reason: `Exhibit reference must be ${deviceRefRule}` }])
      const reach = await triage.reachOf(principal)
      // A case they may not see is answered as one that does not exist: neither is confirmed.
      if (!(await triage.seesCase(input.caseRef, reach)))
        throw new ValidationError([
          {
            field: 'caseRef',
            reason: `There is no online case ${input.caseRef} whose devices you may record`,
          },
        ])
      // One the recorder may see is refused by name; one they may not answers 404 from the service, as absent.
      const held = await triage.device(input.ref, reach).then(
        () => true,
        (e: unknown) => (e instanceof NotFoundError ? false : Promise.reject(e)),
      )
      if (held)
        throw new ValidationError([{ field: 'ref', reason: `An exhibit ${input.ref} is already recorded` }])
      try {
        const saved = await triage.saveDevice(
          input.ref,
          {
            description: input.description,
            deviceKind: input.deviceKind,
            caseRef: input.caseRef,
            seizedAt: input.at,
            statusHistory: [],
          },
          principal,
          reach,
        )
        return `${devicesPath}/${saved.id}`
      } catch (error) {
        // A reason that says what must be is given its box's label ("Date and time it was seized must not ...").
        inFormWords(error, fields, formField)
      }
    },
  })
}
