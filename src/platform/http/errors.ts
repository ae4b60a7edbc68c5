/** Errors a handler throws to give the user a specific answer; anything else is a 500. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly detail?: { field?: string; reason?: string; errors?: FieldError[] },
  ) {
    super(message)
  }
}

export interface FieldError {
  field: string
  reason: string
}

export class ValidationError extends HttpError {
  constructor(readonly errors: FieldError[]) {
    super(400, errors.map((e) => `${e.field}: ${e.reason}`).join('; '), { errors })
  }
}

export class NotFoundError extends HttpError {
  constructor(what = 'Page not found') {
    super(404, what)
  }
}

export class ForbiddenError extends HttpError {
  constructor(message = 'You do not have access to this') {
    super(403, message)
  }
}

/** A stale optimistic-lock version: someone else changed the record since it was read. */
export class ConflictError extends HttpError {
  constructor(
    message = 'Someone else changed this record after you opened it. Reload it to see their change.',
  ) {
    super(409, message)
  }
}
