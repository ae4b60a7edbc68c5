import { sql } from 'kysely'
import type { Executor } from '../../../platform/db/database.ts'
import type { FieldError } from '../../../platform/http/errors.ts'
// The rule for what reads as another system's PAC reference is the missing episodes', so both kinds agree.
import { externalPacRefError } from '../../missing/service/report-missing.ts'
import { pacsByRefOrId } from '../../referrals/service/links.ts'

/** A detention's Merlin PAC as stored (CUS-12). */
export interface PacLinkValues {
  pac_id: string | null
  pac_ref: string | null
  pac_linked_at: Date | null
}

export interface PacLinkAsked {
  pacRef?: string | undefined
  /** When the other system says the PAC was made or linked. */
  pacLinkedAt?: Date | undefined
  personId: string | null
  arrestedAt: Date
}

/**
 * Resolves each detention's PAC reference. A PAC Kestrel holds is linked by id, at `pacLinkedAt` when the
 * line gives one, else at the PAC's own created_at (the time the Merlin form was made), or the arrest when it
 * was made before: a link cannot precede its detention. A reference Kestrel does not hold is kept as another
 * system's (pac_id null) if it reads as one, at `pacLinkedAt`, or, with no time given, `unknownAt`: null on
 * an import (the time is not known, and CUS-12 then counts the PAC from the start of the detention), now on
 * a form or the API (it exists by now). Never the time of an import.
 */
export async function resolvePacLinks(
  q: Executor,
  asked: readonly PacLinkAsked[],
  unknownAt: Date | null,
): Promise<{ values: PacLinkValues; errors: FieldError[] }[]> {
  const pacs = await pacsByRefOrId(
    q,
    asked.flatMap((a) => (a.pacRef ? [a.pacRef] : [])),
  )
  const ids = [...new Set([...pacs.values()].map((p) => p.id))]
  const created = new Map<string, Date>()
  if (ids.length) {
    const { rows } = await sql<{ id: string; created_at: Date }>`
      select id, created_at from pac where id = any(${ids}::uuid[])`.execute(q)
    for (const r of rows) created.set(r.id, new Date(r.created_at))
  }
  return asked.map((a) => {
    const errors: FieldError[] = []
    const none: PacLinkValues = { pac_id: null, pac_ref: null, pac_linked_at: null }
    if (!a.pacRef) {
      if (a.pacLinkedAt)
        errors.push({
          field: 'pacLinkedAt',
          reason: 'Name the PAC linked (pacRef) with the time it was linked',
        })
      return { values: none, errors }
    }
    const pac = pacs.get(a.pacRef)
    if (pac) {
      if (a.personId && pac.personId !== a.personId)
        errors.push({ field: 'pacRef', reason: `PAC ${pac.ref} is about another person` })
      const made = created.get(pac.id) ?? a.arrestedAt
      const at = a.pacLinkedAt ?? new Date(Math.max(+made, +a.arrestedAt))
      return { values: { pac_id: pac.id, pac_ref: pac.ref, pac_linked_at: at }, errors }
    }
    const why = externalPacRefError(a.pacRef)
    if (why) errors.push({ field: 'pacRef', reason: why })
    return {
      values: { pac_id: null, pac_ref: a.pacRef.trim(), pac_linked_at: a.pacLinkedAt ?? unknownAt },
      errors,
    }
  })
}
