import type { z } from 'zod'
import { fieldErrors } from '../../../platform/http/api.ts'
import { ValidationError } from '../../../platform/http/errors.ts'

/** A service input checked by its schema: a 400 naming each field at fault, before anything is read or written. */
export function parsed<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input)
  if (!result.success) throw new ValidationError(fieldErrors(result.error, 'body'))
  return result.data
}
