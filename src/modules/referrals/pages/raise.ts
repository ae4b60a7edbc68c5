import type { FastifyInstance } from 'fastify'
import type { Principal } from '../../../platform/auth/principal.ts'
import { dateInputItems } from '../../../platform/http/date-input.ts'
import { ValidationError } from '../../../platform/http/errors.ts'
import type { FormState } from '../../../platform/http/form.ts'
import { type FormBody, formText } from '../../../platform/http/form-body.ts'
import { hidden } from '../../../platform/http/form-fields.ts'
import { page, view } from '../../../platform/http/page.ts'
import type { Services } from '../../../services.ts'
import { addPersonHref } from '../../children/pages/find-child.ts'
import { pacRaisers } from '../access.ts'
import {
  aboutKinds,
  aboutLabels,
  concernCategories,
  concernLabels,
  riskLabels,
  riskLevels,
  validatePacInput,
} from '../pac.ts'
import {
  type Answers,
  answered,
  asInput,
  inputOf,
  type QuestionInput,
  questions,
  type Step,
  steps,
  stepTitles,
} from './questions.ts'
import { boroughOptions, draftOr404, referralsPath } from './shared.ts'

/**
 * Raising a PAC: one question a page, the answers kept in a draft as they are given, then check your
 * answers (check.ts) and send.
 */
export function raisePages(app: FastifyInstance, services: Services) {
  const { referrals } = services

  // The first question is asked before there is a draft: looking at it, searching and coming from a
  // child's record keep nothing (a GET that wrote a draft left a row for every visit). Its first answer
  // sent starts the draft; one refused starts none.
  const firstStep = steps[0] as Step
  page(app, `${referralsPath}/new`, {
    access: pacRaisers,
    form: questions[firstStep],
    get: async ({ principal, request, query, form: shown }) => {
      const personRef = formText(query, 'child')
      const person = personRef ? await referrals.people.find(personRef) : undefined
      const answers: Answers = shown ? (shown.values as Answers) : person ? { personId: person.id } : {}
      return questionView(firstStep, {
        action: `${referralsPath}/new`,
        answers,
        shown,
        principal,
        requestId: request.id,
        query,
      })
    },
    post: async ({ principal, input }) => {
      const answers = answered({}, firstStep, input as QuestionInput<Step>)
      const errors = await problemsWith(firstStep, answers)
      if (errors.length) throw new ValidationError(errors)
      const id = await referrals.drafts.start(principal.id, answers as Record<string, unknown>)
      return `${referralsPath}/new/${id}/${steps[1]}`
    },
  })

  /** The service's problems with a question's answers (and a child chosen who is not in the index). */
  async function problemsWith(step: Step, answers: Answers) {
    const errors = validatePacInput(inputOf(answers), services.clock.now())
      .map(asInput)
      .filter((e) => e.field in questions[step].shape)
    if (step === 'child' && answers.personId && !(await referrals.people.find(answers.personId))) {
      errors.push({ field: 'personId', reason: 'Select the child from the search results' })
    }
    return errors
  }

  /** A question's page: the draft's answers (or, shown again, what was typed over them) and its choices. */
  async function questionView(
    step: Step,
    on: {
      action: string
      answers: Answers
      shown: FormState | undefined
      principal: Principal
      requestId: string
      query: FormBody
      draftBase?: string
    },
  ) {
    const index = steps.indexOf(step)
    const { answers, shown } = on
    const parts = answers.firstKnew ?? { day: '', month: '', year: '', time: '' }
    return view('referrals/views/question.njk', {
      pageTitle: stepTitles[step],
      step,
      action: on.action,
      back: index === 0 || !on.draftBase ? referralsPath : `${on.draftBase}/${steps[index - 1]}`,
      answers,
      stepNumber: index + 1,
      stepCount: steps.length,
      ...(step === 'when'
        ? {
            dateItems: shown ? shown.dateItems('firstKnew') : dateInputItems(parts),
            time: shown ? formText(shown.values as FormBody, 'firstKnewTime') : parts.time,
          }
        : await choices(step, answers, on.principal, on.requestId, on.query, on.action)),
    })
  }

  /** What a question's page shows besides the answers: its choices, found children, boroughs. */
  async function choices(
    step: Step,
    answers: Answers,
    principal: Principal,
    requestId: string,
    query: FormBody,
    action: string,
  ) {
    if (step === 'child') {
      const q = formText(query, 'q') || answers.childQuery || ''
      const found = q ? await referrals.people.search(q, { actor: principal, requestId }) : []
      const chosen = answers.personId ? await referrals.people.find(answers.personId) : undefined
      return {
        q,
        searched: q !== '',
        // None of them the child: add them (with the duplicate check) and come back to this question.
        addHref: addPersonHref(q, action),
        childItems: [...(chosen && !found.some((p) => p.id === chosen.id) ? [chosen] : []), ...found].map(
          (p) => ({
            value: p.id,
            text: p.name,
            hint: {
              text: `${p.ref}${p.dateOfBirth ? `, born ${p.dateOfBirth}` : ''}${p.livesAt ? `, lives at ${p.livesAt}` : ''}`,
            },
            checked: p.id === answers.personId,
          }),
        ),
      }
    }
    if (step === 'about') {
      let boroughId = answers.boroughId
      if (!boroughId && answers.personId)
        boroughId = (await referrals.people.boroughOf(answers.personId)) ?? undefined
      return {
        aboutItems: aboutKinds.map((k) => ({
          value: k,
          text: aboutLabels[k],
          checked: answers.aboutKind === k,
        })),
        boroughOptions: await boroughOptions(services, boroughId),
      }
    }
    if (step === 'concerns') {
      const chosen = new Set(answers.concerns ?? [])
      return {
        concernItems: concernCategories.map((c) => ({
          value: c,
          text: concernLabels[c],
          checked: chosen.has(c),
        })),
      }
    }
    if (step === 'risk') {
      return {
        riskItems: riskLevels.map((r) => ({
          value: r,
          text: riskLabels[r],
          checked: answers.riskLevel === r,
        })),
      }
    }
    if (step === 'voice') {
      return {
        spokenItems: [
          { value: 'yes', text: 'Yes', checked: answers.childSpokenTo === 'yes' },
          { value: 'no', text: 'No', checked: answers.childSpokenTo === 'no' },
        ],
      }
    }
    return {}
  }

  function question(step: Step) {
    const index = steps.indexOf(step)
    // `returnTo=check` sends the person back to check your answers after changing one.
    const form = questions[step].extend({ returnTo: hidden() })
    page(app, `${referralsPath}/new/:draft/${step}`, {
      access: pacRaisers,
      form,
      get: async ({ params, principal, request, query, form: shown }) => {
        const draft = await draftOr404(services, principal, params.draft as string)
        const base = `${referralsPath}/new/${draft.id}`
        return questionView(step, {
          action: `${base}/${step}`,
          draftBase: base,
          // Shown again, the page shows what was typed over what the draft holds (its date as it was).
          answers: shown ? { ...draft.answers, ...(shown.values as Answers) } : draft.answers,
          shown: shown as FormState | undefined,
          principal,
          requestId: request.id,
          query,
        })
      },
      post: async ({ params, principal, input }) => {
        const draft = await draftOr404(services, principal, params.draft as string)
        const { returnTo, ...given } = input as { returnTo: string } & QuestionInput<Step>
        const answers = answered(draft.answers, step, given)
        // What was typed is kept even when it is wrong, so nothing is lost when the person goes back.
        await referrals.drafts.save(principal.id, draft.id, answers as Record<string, unknown>)
        const errors = await problemsWith(step, answers)
        if (errors.length) throw new ValidationError(errors)
        const next = index === steps.length - 1 || returnTo === 'check' ? 'check' : steps[index + 1]
        return `${referralsPath}/new/${draft.id}/${next}`
      },
    })
  }

  for (const step of steps) question(step)
}
