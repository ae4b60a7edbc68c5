import type { FastifyRequest } from 'fastify'
import { type Access, permits } from '../../../platform/access/access.ts'
import type { Principal } from '../../../platform/auth/principal.ts'
import { NotFoundError } from '../../../platform/http/errors.ts'
import type { Services } from '../../../services.ts'
import type { PacActor } from '../service.ts'
import type { Answers } from './questions.ts'

export const referralsPath = '/pacs'

export function actorOf(principal: Principal): PacActor {
  return {
    id: principal.id,
    username: principal.username,
    displayName: principal.displayName,
    staffId: principal.staffId,
  }
}

/** Whether the signed-in person's roles allow this step, to offer its form or link. */
export const may = (principal: Principal, access: Access) => permits(access, principal.roles)

/** One access-log row for a list or queue page: the route as asked and every PAC shown. */
export const logList = (services: Services, request: FastifyRequest, pacs: readonly { id: string }[]) =>
  services.referrals.recordListRead(
    actorOf(request.principal as Principal),
    `${request.method} ${request.url}`,
    pacs,
    request.id,
  )

/** The force's boroughs for a select, the chosen one selected, after a prompt. */
export async function boroughOptions(services: Services, selected?: string) {
  const { organisation } = services
  const force = await organisation.force()
  const boroughs = await organisation.boroughs(force.id)
  return [
    { value: '', text: 'Select a borough' },
    ...boroughs.map((b) => ({ value: b.id, text: b.name, selected: b.id === selected })),
  ]
}

/** The draft a raiser is working on: theirs only, and gone once the PAC is sent. */
export async function draftOr404(services: Services, principal: Principal, id: string) {
  const answers = await services.referrals.drafts.get(principal.id, id)
  if (!answers) throw new NotFoundError('This PAC draft does not exist or has been sent')
  return { id, answers: answers as Answers }
}
