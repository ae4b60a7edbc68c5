import { z } from 'zod'
import { dateParts, parseDateParts } from '../../../platform/http/date-input.ts'
import type { FieldError } from '../../../platform/http/errors.ts'
import { checkboxes, dateInput, optionalText, parseTime, text } from '../../../platform/http/form-fields.ts'
import { londonInstant } from '../../../platform/time.ts'
import type { AboutKind, ConcernCategory, PacInput, RiskLevel } from '../pac.ts'

/**
 * The questions of raising a PAC, one a page, and the draft's answers they fill. Each page's form only
 * reads what was sent (a date and time are checked there, being the page's own business); whether the
 * answers will do is asked of validatePacInput, the service's own check, after the draft has kept them:
 * so its messages are the ones a person sees, and what was typed is never lost, even when it is wrong.
 */

/** A draft's answers as they are stored (pac_draft.answers): drafts in flight keep this shape. */
export interface Answers {
  personId?: string
  childQuery?: string
  aboutKind?: string
  aboutRef?: string
  aboutSummary?: string
  boroughId?: string
  concerns?: string[]
  riskLevel?: string
  riskAssessment?: string
  childSpokenTo?: string
  voiceOfChild?: string
  firstKnew?: { day: string; month: string; year: string; time: string }
}

const timeMessage = 'Enter the time as hours and minutes on the 24-hour clock, like 14:30'

/** A 24-hour time box of its own ("14:30"), beside a date input: 'HH:MM'. */
const timeOfDay = () =>
  text().transform((value, ctx) => {
    const time = parseTime(value)
    if (!time) ctx.addIssue({ code: 'custom', message: timeMessage })
    return time ?? ''
  })

/** Each question's form, its fields in the order the page shows them. */
export const questions = {
  child: z.object({ personId: optionalText() }),
  about: z.object({
    aboutKind: optionalText(),
    aboutRef: text(),
    aboutSummary: text(),
    boroughId: optionalText(),
  }),
  concerns: z.object({ concerns: checkboxes() }),
  risk: z.object({ riskLevel: optionalText(), riskAssessment: text() }),
  voice: z.object({ childSpokenTo: optionalText(), voiceOfChild: text() }),
  when: z.object({ firstKnew: dateInput({ label: 'Date' }), firstKnewTime: timeOfDay() }),
}

export type Step = keyof typeof questions
export const steps = Object.keys(questions) as Step[]
export type QuestionInput<S extends Step> = z.output<(typeof questions)[S]>

export const stepTitles: Record<Step, string> = {
  child: 'Which child is the PAC about?',
  about: 'What brought the child to police notice?',
  concerns: 'What are the concerns?',
  risk: 'What is your assessment of the risk?',
  voice: 'What did the child say?',
  when: 'When did the police first know of the concern?',
}

/** The inputs the service's checks name otherwise: its "child" is the person chosen, and so on. */
const inputNames: Record<string, string> = {
  child: 'personId',
  borough: 'boroughId',
  policeFirstKnewAt: 'firstKnew',
}

/** A problem the service found, named as the question page's input. */
export const asInput = (error: FieldError): FieldError => ({
  ...error,
  field: inputNames[error.field] ?? error.field,
})

/** The question a field is answered on, for check-your-answers' links to put a problem right. */
export const stepOf = (field: string): Step =>
  steps.find((s) => asInput({ field, reason: '' }).field in questions[s].shape) ?? 'child'

/** The draft's answers with one question's answered. */
export function answered<S extends Step>(answers: Answers, step: S, input: QuestionInput<S>): Answers {
  const given = input as Record<string, unknown>
  if (step === 'when') {
    return {
      ...answers,
      firstKnew: { ...dateParts(given.firstKnew as string), time: given.firstKnewTime as string },
    }
  }
  // An empty choice is no answer: left out, as the draft has always stored it.
  const kept = Object.fromEntries(Object.entries(given).map(([k, v]) => [k, v ?? undefined]))
  return { ...answers, ...kept }
}

/** When the police first knew, from the draft: its date and 24-hour time read as London time. */
export function firstKnewOf(answers: Answers): { value: Date | null; errors: FieldError[] } {
  const parts = answers.firstKnew
  if (!parts) return { value: null, errors: [] }
  const date = parseDateParts(parts, { label: 'Date' })
  if (date.error) return { value: null, errors: [{ field: 'policeFirstKnewAt', reason: date.error }] }
  const time = parseTime(parts.time ?? '')
  if (!time) return { value: null, errors: [{ field: 'firstKnewTime', reason: timeMessage }] }
  return { value: londonInstant(date.value as string, time), errors: [] }
}

/** The PAC the draft's answers make, as far as they go. */
export function inputOf(answers: Answers): Partial<PacInput> {
  return {
    personId: answers.personId,
    aboutKind: answers.aboutKind as AboutKind,
    aboutRef: answers.aboutRef || null,
    aboutSummary: answers.aboutSummary,
    concerns: (answers.concerns ?? []) as ConcernCategory[],
    riskLevel: answers.riskLevel as RiskLevel,
    riskAssessment: answers.riskAssessment,
    childSpokenTo:
      answers.childSpokenTo === 'yes' ? true : answers.childSpokenTo === 'no' ? false : undefined,
    voiceOfChild: answers.voiceOfChild,
    policeFirstKnewAt: firstKnewOf(answers).value ?? undefined,
    boroughId: answers.boroughId,
  }
}
