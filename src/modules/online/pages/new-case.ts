import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { dateTimeInput, optionalText, radios, text } from '../../../platform/http/form-fields.ts'
import { page, view } from '../../../platform/http/page.ts'
import { fieldsView, instantOf, nowParts } from '../../offenders/pages/shared.ts'
import { onlineAccess } from '../access.ts'
import { materialCategories, materialCategoryLabels, sourceLabels, sources } from '../online-case.ts'
import { casePath, inFormWords, type OnlinePageDeps, onlinePath } from './shared.ts'

const newCaseForm = z.object({
  source: radios(sources, 'Select where the case came from'),
  ncaReference: optionalText({ maxLength: 100 }),
  at: dateTimeInput({ label: 'Date and time it was received' }).transform(instantOf),
  materialCategory: radios(materialCategories, 'Select what was found'),
  materialDescription: text({ required: 'Describe what was found', maxLength: 4000 }),
  materialLocation: optionalText({ maxLength: 500 }),
  suspect: optionalText({ maxLength: 200 }),
  borough: optionalText({ maxLength: 200 }),
})

/** Recording a new referral: the specialist online team receives them. */
export function newCasePages(app: FastifyInstance, deps: OnlinePageDeps) {
  const fields = async () => {
    const force = await deps.organisation.force()
    const boroughs = await deps.organisation.boroughs(force.id)
    return [
      {
        name: 'source',
        kind: 'radios',
        label: 'Source',
        options: sources.map((s) => ({ value: s, text: sourceLabels[s] })),
      },
      { name: 'ncaReference', kind: 'text', label: 'NCA reference (for a CEOP/NCA referral)', short: true },
      { name: 'at', kind: 'datetime', label: 'Date and time it was received' },
      {
        name: 'materialCategory',
        kind: 'radios',
        label: 'What was found',
        options: materialCategories.map((m) => ({ value: m, text: materialCategoryLabels[m] })),
      },
      {
        name: 'materialDescription',
        kind: 'textarea',
        label: 'Description of the material',
        hint: 'Read only by the specialist online team',
      },
      { name: 'materialLocation', kind: 'text', label: 'Where it was found (optional)' },
      {
        name: 'suspect',
        kind: 'text',
        label: 'Suspect’s person reference (optional)',
        hint: 'Leave empty while the suspect is unknown',
        short: true,
      },
      {
        name: 'borough',
        kind: 'select',
        label: 'Borough of the suspect’s address (optional)',
        options: boroughs.map((b) => ({ value: b.name, text: b.name })),
      },
    ] as const
  }
  page(app, `${onlinePath}/cases/new`, {
    access: onlineAccess.record,
    form: newCaseForm,
    get: async ({ form }) =>
      view('online/views/new-case.njk', {
        pageTitle: 'Record a new online case',
        fields: fieldsView(await fields(), form, { at: nowParts(deps.clock.now()) }),
      }),
    post: async ({ input, principal }) => {
      try {
        const saved = await deps.online.recordCase(
          {
            source: input.source,
            ncaReference: input.ncaReference ?? undefined,
            receivedAt: input.at,
            materialCategory: input.materialCategory,
            materialDescription: input.materialDescription,
            materialLocation: input.materialLocation ?? undefined,
            suspect: input.suspect ?? undefined,
            borough: input.borough ?? undefined,
            identifiers: [],
          },
          principal,
        )
        return casePath(saved.id)
      } catch (error) {
        inFormWords(
          error,
          Object.fromEntries((await fields()).map((f) => [f.name, f.label.replace(/ \(.*\)$/, '')])),
        )
      }
    },
  })
}
