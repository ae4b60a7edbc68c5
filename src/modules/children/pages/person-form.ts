import type { z } from 'zod'
import { dateInput, text, wholeNumber } from '../../../platform/http/form-fields.ts'
import { ethnicities, ethnicityLabel, genders, type PersonInput } from '../person.ts'
import { capitalise, selectItems } from './shared.ts'

/**
 * A person's details as the add and change forms ask them, in the order they show them. The service
 * checks them again (a family name, a date of birth in the past, a gender and ethnic group it knows);
 * the form checks what only it can: the date's boxes, the age's digits, and not both of them.
 */
export const detailFields = {
  familyName: text(),
  givenNames: text(),
  dateOfBirth: dateInput({ label: 'Date of birth', required: false }),
  estimatedAgeYears: wholeNumber({ message: 'Estimated age must be a whole number of years', max: 999 }),
  gender: text(),
  ethnicity: text(),
}

type DetailValues = {
  dateOfBirth: string | null
  estimatedAgeYears: number | null
}

/** A date of birth or an estimated age, not both: once each of them is good on its own. */
export function notBoth(values: DetailValues, ctx: z.RefinementCtx) {
  if (values.dateOfBirth && values.estimatedAgeYears !== null)
    ctx.addIssue({
      code: 'custom',
      path: ['estimatedAgeYears'],
      message: 'Give a date of birth or an estimated age, not both',
    })
}

/**
 * For a rule across fields: run it whatever else on the form is wrong, so every problem is listed at
 * once, as the form did before the page handler (zod otherwise skips it when any field has failed). A
 * field that failed reads as null to the rule (a date, a number), so the rule must allow for that.
 */
export const always = { when: () => true }

/** The details to save, with the defaults the form has always given a gender and ethnic group left empty. */
export function personInput(input: {
  familyName: string
  givenNames: string
  dateOfBirth: string | null
  estimatedAgeYears: number | null
  gender: string
  ethnicity: string
}): PersonInput {
  return {
    familyName: input.familyName,
    givenNames: input.givenNames,
    dateOfBirth: input.dateOfBirth,
    estimatedAgeYears: input.estimatedAgeYears,
    gender: (input.gender || 'not known') as PersonInput['gender'],
    ethnicity: (input.ethnicity || 'NS') as PersonInput['ethnicity'],
  }
}

/** The gender radios and the ethnic group select, the typed or stored value chosen. */
export function detailItems(values: { gender?: unknown; ethnicity?: unknown }) {
  return {
    genderItems: genders.map((g) => ({ value: g, text: capitalise(g), checked: values.gender === g })),
    ethnicityItems: selectItems(
      ethnicities.map((e) => e.code),
      String(values.ethnicity ?? ''),
      ethnicityLabel,
    ),
  }
}
