import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { dateInputItems, dateParts } from '../../../platform/http/date-input.ts'
import {
  checkboxes,
  dateInput,
  optionalText,
  radios,
  text,
  wholeNumber,
} from '../../../platform/http/form-fields.ts'
import { page, view } from '../../../platform/http/page.ts'
import { auditAccess } from '../access.ts'
import { caseTypeLabels, caseTypes } from '../case-types.ts'
import { strataChoices } from '../sampling.ts'
import { type AuditPageDeps, auditsPath } from './shared.ts'

export const programmesPath = `${auditsPath}/programmes`

const strataLabels: Record<(typeof strataChoices)[number], string> = {
  case_type_bcu: 'By case type and BCU',
  case_type: 'By case type',
  bcu: 'By BCU',
  none: 'No strata: a simple random sample',
}

const programmeForm = z.object({
  name: text({ required: 'Enter a name for the programme', maxLength: 200 }),
  caseTypes: checkboxes({ values: caseTypes, required: 'Select the case types to sample' }),
  bcus: checkboxes(),
  from: dateInput({ label: 'The start of the period' }),
  to: dateInput({ label: 'The end of the period' }),
  sampleSize: wholeNumber({
    message: 'The sample size must be a whole number',
    required: 'Enter the sample size',
    min: 1,
    max: 100000,
  }),
  strata: radios(strataChoices, 'Select how the sample is stratified'),
  seed: optionalText({ maxLength: 100 }),
  moderationPercent: wholeNumber({
    message: 'The share moderated must be a whole number from 0 to 100',
    min: 0,
    max: 100,
  }),
})

/** Audit programmes: the list, a new programme with its sample drawn, and one programme with its sample. */
export function programmePages(app: FastifyInstance, deps: AuditPageDeps) {
  page(app, programmesPath, {
    access: auditAccess.programmes,
    get: async () =>
      view('audits/views/programmes.njk', {
        pageTitle: 'Audit programmes',
        programmes: await deps.audits.programmes(),
      }),
  })

  page(app, `${programmesPath}/new`, {
    access: auditAccess.audit,
    form: programmeForm,
    get: async ({ form }) => {
      const force = await deps.organisation.force()
      const values: Partial<z.input<typeof programmeForm>> = form?.values ?? {
        strata: 'case_type_bcu',
        moderationPercent: '10',
      }
      const dates = (name: 'from' | 'to') => (form ? form.dateItems(name) : dateInputItems(dateParts(null)))
      return view('audits/views/programme-new.njk', {
        pageTitle: 'New audit programme',
        values,
        fromItems: dates('from'),
        toItems: dates('to'),
        caseTypeItems: caseTypes.map((t) => ({
          value: t,
          text: caseTypeLabels[t],
          checked: (values.caseTypes ?? []).includes(t),
        })),
        bcuItems: (await deps.organisation.bcus(force.id)).map((b) => ({
          value: b.id,
          text: b.name,
          checked: (values.bcus ?? []).includes(b.id),
        })),
        strataItems: strataChoices.map((s) => ({
          value: s,
          text: strataLabels[s],
          checked: values.strata === s,
        })),
      })
    },
    post: async ({ input, principal }) => {
      const made = await deps.audits.createProgramme(
        { ...input, seed: input.seed ?? undefined, moderationPercent: input.moderationPercent ?? 10 },
        principal,
      )
      return `${programmesPath}/${made.ref}`
    },
  })

  page(app, `${programmesPath}/:ref`, {
    access: auditAccess.programmes,
    get: async ({ params }) => {
      const programme = await deps.audits.programme(params.ref as string)
      const force = await deps.organisation.force()
      const bcuNames = new Map((await deps.organisation.bcus(force.id)).map((b) => [b.id, b.name]))
      return view('audits/views/programme.njk', {
        pageTitle: `Audit programme ${programme.ref}: ${programme.name}`,
        programme,
        caseTypes: programme.caseTypes.map((t) => caseTypeLabels[t]),
        bcus: programme.bcu_ids.map((id) => bcuNames.get(id) ?? id),
        strata: strataLabels[programme.strata],
        sample: programme.sample.map((s) => ({
          ...s,
          caseType: caseTypeLabels[s.case_type as keyof typeof caseTypeLabels],
          bcu: s.bcu_id ? (bcuNames.get(s.bcu_id) ?? '') : '',
        })),
      })
    },
  })
}
