import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { type FieldError, HttpError, ValidationError } from '../../platform/http/errors.ts'
import { text } from '../../platform/http/form-fields.ts'
import { page, view } from '../../platform/http/page.ts'
import { isIsoDate, londonInstant } from '../../platform/time.ts'
import { parameterSetters, staffAccess } from '../access.ts'
import { type ParameterSpec, parseParameterInput, sourceLabels } from '../rule.ts'
import type { StandardsService } from '../service.ts'
import { ruleView } from './shared.ts'

/**
 * A rule parameter's form, its fields in the order the page shows them. What a value may be depends on
 * the parameter (a number of hours, a list), so every check is made when saving, all together, and every
 * problem is listed at once.
 */
const parameterForm = z.object({
  value: text(),
  borough: text(),
  effectiveFrom: text(),
  reason: text(),
})

/** Where the service's names for a parameter's fields are shown on the form. */
const formField: Record<string, string> = {
  boroughId: 'borough',
  effectiveFrom: 'effectiveFrom',
  reason: 'reason',
}

/** The rules catalogue, and the admin's pages that set a rule's parameters from a date. */
export function rulePages(app: FastifyInstance, service: StandardsService) {
  app.get('/rules', { config: { access: staffAccess } }, async (_request, reply) =>
    reply.render('views/rules.njk', { pageTitle: 'Rules', rules: ruleView(service) }),
  )

  app.get('/admin/rule-parameters', { config: { access: parameterSetters } }, async (_request, reply) => {
    const values = await service.parameters.valuesAt(service.now())
    const boroughs = await service.boroughs()
    const names = Object.fromEntries(boroughs.map((b) => [b.id, b.name]))
    const rules = ruleView(service).map((rule) => ({
      ...rule,
      params: rule.params.map((p) => {
        const inForce = values.filter((v) => v.ruleId === rule.id && v.name === p.name)
        const forceWide = inForce.find((v) => v.boroughId === null)
        return {
          ...p,
          currentText: forceWide ? JSON.stringify(forceWide.value) : `${p.defaultText} (default)`,
          overrides: inForce
            .filter((v) => v.boroughId !== null)
            .map((v) => ({
              borough: names[v.boroughId as string] ?? v.boroughId,
              valueText: JSON.stringify(v.value),
            })),
        }
      }),
    }))
    return reply.render('views/parameters.njk', { pageTitle: 'Rule parameters', rules })
  })

  function parameterOf(params: Record<string, string>) {
    const { ruleId = '', name = '' } = params
    const rule = service.rule(ruleId)
    const spec = rule ? (rule.params as Record<string, ParameterSpec>)[name] : undefined
    if (!rule || !spec) throw new HttpError(404, 'There is no such rule parameter')
    return { rule, name, spec }
  }

  page(app, '/admin/rule-parameters/:ruleId/:name', {
    access: parameterSetters,
    form: parameterForm,
    get: async ({ params, form }) => {
      const { rule, name, spec } = parameterOf(params)
      const boroughs = spec.perBorough ? await service.boroughs() : []
      const names = Object.fromEntries(boroughs.map((b) => [b.id, b.name]))
      const history = (await service.parameters.history(rule.id)).filter((h) => h.name === name)
      return view('views/parameter-form.njk', {
        pageTitle: `${rule.id} ${name}`,
        rule,
        sourceLabel: sourceLabels[rule.source],
        name,
        spec,
        defaultText: JSON.stringify(spec.default),
        boroughItems: [
          { value: '', text: 'Whole force' },
          ...boroughs.map((b) => ({ value: b.id, text: b.name, selected: form?.values.borough === b.id })),
        ],
        history: history.map((h) => ({
          ...h,
          valueText: JSON.stringify(h.value),
          borough: h.borough_id ? (names[h.borough_id] ?? h.borough_id) : 'Whole force',
        })),
        values: form?.values ?? {},
      })
    },
    post: async ({ params, input, principal }) => {
      const { rule, name, spec } = parameterOf(params)
      const errors: FieldError[] = []
      const parsed = parseParameterInput(spec, input.value)
      if ('error' in parsed) errors.push({ field: 'value', reason: parsed.error })
      if (input.borough && !spec.perBorough)
        errors.push({ field: 'borough', reason: 'This parameter is set for the whole force only' })
      if (input.borough && !(await service.boroughs()).some((b) => b.id === input.borough)) {
        errors.push({ field: 'borough', reason: 'Select a borough from the list' })
      }
      if (!isIsoDate(input.effectiveFrom)) {
        errors.push({
          field: 'effectiveFrom',
          reason: 'Enter the date the value applies from, like 2025-04-01',
        })
      }
      if (!input.reason) errors.push({ field: 'reason', reason: 'Enter the reason for the change' })
      if (errors.length || 'error' in parsed) throw new ValidationError(errors)
      try {
        await service.parameters.set({
          ruleId: rule.id,
          name,
          boroughId: input.borough || null,
          value: parsed.value,
          effectiveFrom: londonInstant(input.effectiveFrom),
          reason: input.reason,
          setBy: principal.username,
        })
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        throw new ValidationError(error.errors.map((e) => ({ ...e, field: formField[e.field] ?? 'value' })))
      }
      return `/admin/rule-parameters/${rule.id}/${name}`
    },
  })
}
