import type { FastifyRequest } from 'fastify'
import { type FormBody, formText } from '../../../platform/http/form-body.ts'
import { pageAsked, pageOfList } from '../../../platform/http/pagination.ts'
import { ageAt, displayName } from '../person.ts'
import type { ChildrenService } from '../service.ts'
import { readSearch } from './search.ts'
import { listViewer, peoplePath } from './shared.ts'

/**
 * Every journey that starts from a child starts by finding them, as the PAC wizard does: by name (sound-alike
 * matches too), date of birth or reference, each match told apart by date of birth and address, and "add
 * the person" (with the duplicate check) when none is the child. Choosing a child goes on to the journey's
 * own page at `?child=<ref>`, a link, so it works without JavaScript.
 */

/** The journeys that may send a person they added back to themselves (`returnTo` on the add-a-person form). */
export const journeysFromAChild = ['/missing/episodes/new', '/custody/detentions/new'] as const

/** The PAC wizard's "which child?" step of a draft, which searches (`?q=`) and lets the raiser choose. */
const pacChildStep = /^\/pacs\/new\/[0-9a-f-]{36}\/child$/

/**
 * Where a person just added (or a possible duplicate chosen instead) goes: back to the journey that asked,
 * with them chosen, or found by their reference in the PAC wizard; undefined for anywhere else, so the form
 * cannot send anyone off Kestrel.
 */
export function returnToJourney(returnTo: string | null | undefined, ref: string): string | undefined {
  const journey = journeysFromAChild.find((j) => j === returnTo)
  if (journey) return `${journey}?child=${encodeURIComponent(ref)}`
  if (returnTo && pacChildStep.test(returnTo)) return `${returnTo}?q=${encodeURIComponent(ref)}`
  return undefined
}

/** The add-a-person form, starting from the words searched for as a name, coming back to `returnTo`. */
export function addPersonHref(searched: string, returnTo: string): string {
  const words = searched.split(/\s+/).filter((w) => w && !/\d/.test(w))
  const add = new URLSearchParams({
    ...(words.length > 1
      ? { givenNames: words.slice(0, -1).join(' '), familyName: words.at(-1) as string }
      : {}),
    ...(words.length === 1 ? { familyName: words[0] as string } : {}),
    returnTo,
  })
  return `${peoplePath}/new?${add.toString()}`
}

const pageSize = 20

/**
 * The child a journey goes on with: the one chosen (`?child=<ref>`), or the one whose reference was typed
 * into the search exactly (a reference names one person, so there is nothing to choose between).
 */
export async function childChosen(children: ChildrenService, query: FormBody) {
  const chosen = formText(query, 'child')
  if (chosen) return { key: chosen, person: await children.find(chosen) }
  const typed = formText(query, 'q')
  const person = typed && !/\s/.test(typed) ? await children.find(typed) : undefined
  return person && person.ref.toLowerCase() === typed.toLowerCase()
    ? { key: person.ref, person }
    : { key: '', person: undefined }
}

/** The search step's view: the search as typed, the matches with a link each to `journey`, the way to add one. */
export async function findChildStep(
  children: ChildrenService,
  request: FastifyRequest,
  journey: (typeof journeysFromAChild)[number],
) {
  const query = request.query as FormBody
  const search = readSearch(query, { isoDate: false })
  const searched = !search.problems && Boolean(search.q || search.dob)
  const pageNumber = pageAsked(query)
  const { people, total } = searched
    ? await children.searchPage({ q: search.q, dob: search.dob }, listViewer(request), {
        limit: pageSize,
        offset: (pageNumber - 1) * pageSize,
      })
    : { people: [], total: 0 }
  const today = children.today()
  return {
    search: {
      action: journey,
      q: search.q,
      dobItems: search.dobItems,
      searched,
      results: people.map((p) => ({
        ...p,
        name: displayName(p),
        age: ageAt(p, today),
        href: `${journey}?child=${encodeURIComponent(p.ref)}`,
      })),
      addHref: addPersonHref(search.q, journey),
      ...pageOfList({ path: journey, query, page: pageNumber, size: pageSize, total, shown: people.length }),
    },
    errors: search.problems?.errors ?? [],
    fieldErrors: search.problems?.fieldErrors ?? {},
  }
}
