import type { Principal } from '../../../platform/auth/principal.ts'
import type { ChangeAuthor } from '../../../platform/db/history.ts'
import { NotFoundError } from '../../../platform/http/errors.ts'
import { isUuid } from '../../../platform/ids.ts'
import type { Services } from '../../../services.ts'
import { type Rag, ragLabels } from '../rag.ts'
import { noSuchRecommendation } from '../service/write.ts'

export const recommendationsPath = '/recommendations'

/** What the tracker's pages are built from: the services the module manifest is given. */
export type RecommendationsPageDeps = Pick<
  Services,
  'recommendations' | 'organisation' | 'clock' | 'measures' | 'standards'
>

/** The history names the account that made a change by its username, as people know it. */
export const authorOf = (principal: Principal): ChangeAuthor => ({ id: principal.username })

/** The GOV.UK tag for a colour: its word as well as its colour, so nothing is said by colour alone. */
const tagClasses: Record<Rag, string> = {
  red: 'govuk-tag--red',
  amber: 'govuk-tag--orange',
  green: 'govuk-tag--green',
  complete: 'govuk-tag--blue',
}
export const ragTag = (rag: Rag) => ({ text: ragLabels[rag], classes: tagClasses[rag] })

/** A recommendation by the id in its path, or the 404 page. */
export async function recommendationOr404(deps: RecommendationsPageDeps, id: string | undefined) {
  const found = id && isUuid(id) ? await deps.recommendations.one(id) : undefined
  if (!found) throw new NotFoundError(noSuchRecommendation)
  return found
}

export const recommendationHref = (id: string) => `${recommendationsPath}/${id}`
