import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { type FieldError, ValidationError } from '../../../platform/http/errors.ts'
import { page, view } from '../../../platform/http/page.ts'
import { londonParts } from '../../../platform/time.ts'
import type { Services } from '../../../services.ts'
import { pacRaisers } from '../access.ts'
import { aboutLabels, concernLabels, riskLabels } from '../pac.ts'
import { type Answers, firstKnewOf, inputOf, type Step, stepOf } from './questions.ts'
import { actorOf, draftOr404, referralsPath } from './shared.ts'

/** Check your answers, then send the PAC: it goes to the raiser's supervisor for review. */
export function checkPages(app: FastifyInstance, services: Services) {
  const { referrals, organisation } = services

  /** Every answer with a link to change it; a problem with one links to its question. */
  async function checkView(draft: { id: string; answers: Answers }, errors: FieldError[] = []) {
    const a = draft.answers
    const input = inputOf(a)
    const child = a.personId ? await referrals.people.find(a.personId) : undefined
    const borough = a.boroughId ? await organisation.borough(a.boroughId) : undefined
    const base = `${referralsPath}/new/${draft.id}`
    const row = (key: string, value: string, step: Step) => ({
      key: { text: key },
      value: { text: value || 'Not given' },
      actions: {
        items: [{ href: `${base}/${step}`, text: 'Change', visuallyHiddenText: key.toLowerCase() }],
      },
    })
    const firstKnew = input.policeFirstKnewAt ? londonParts(input.policeFirstKnewAt) : undefined
    const rows = [
      row('Child', child ? `${child.name} (${child.ref})` : '', 'child'),
      row('Brought to notice by', input.aboutKind ? aboutLabels[input.aboutKind] : '', 'about'),
      row('Reference of that record', a.aboutRef ?? '', 'about'),
      row('What happened', a.aboutSummary ?? '', 'about'),
      row('Borough', borough?.name ?? '', 'about'),
      row('Concerns', (input.concerns ?? []).map((c) => concernLabels[c]).join('; '), 'concerns'),
      row('Risk level', input.riskLevel ? riskLabels[input.riskLevel] : '', 'risk'),
      row('Risk assessment', a.riskAssessment ?? '', 'risk'),
      row(
        'Child spoken to',
        a.childSpokenTo === 'yes' ? 'Yes' : a.childSpokenTo === 'no' ? 'No' : '',
        'voice',
      ),
      row('Voice of the child', a.voiceOfChild ?? '', 'voice'),
      row('Police first knew', firstKnew ? `${firstKnew.date} ${firstKnew.time.slice(0, 5)}` : '', 'when'),
    ]
    return view(
      'referrals/views/check.njk',
      {
        pageTitle: 'Check your answers before sending the PAC',
        rows,
        action: `${base}/check`,
        back: `${base}/when`,
        errors: errors.map((e) => ({ text: e.reason, href: `${base}/${stepOf(e.field)}` })),
      },
      errors.length ? 400 : 200,
    )
  }

  page(app, `${referralsPath}/new/:draft/check`, {
    access: pacRaisers,
    // Nothing to type here: sending is the whole form.
    form: z.object({}),
    get: async ({ params, principal }) =>
      checkView(await draftOr404(services, principal, params.draft as string)),
    post: async ({ params, principal }) => {
      const draft = await draftOr404(services, principal, params.draft as string)
      try {
        const firstKnew = firstKnewOf(draft.answers)
        if (firstKnew.errors.length) throw new ValidationError(firstKnew.errors)
        const pac = await referrals.create(inputOf(draft.answers), actorOf(principal))
        await referrals.drafts.remove(principal.id, draft.id)
        return `${referralsPath}/${pac.id}?raised=1`
      } catch (error) {
        // The answers, not this page, need correcting: each problem links to its question.
        if (error instanceof ValidationError) return checkView(draft, error.errors)
        throw error
      }
    },
  })
}
