import type { Reach } from '../../../platform/access/need-to-know.ts'

/** A record in another module that a PAC arose from or answers, as that module words it for the PAC page. */
export interface PacLinkedRecord {
  /** What the link is, in the force's words ("Visit to RSO RSO-S000123 that found children present"). */
  text: string
  /** When the linked record happened (the visit, the notification). */
  at: Date
  /** The record's page, or null when the reader may not open it (the link itself is still theirs to know). */
  href: string | null
}

/** Answers the records of one module linked to a PAC; the reader's reach decides which may be opened. */
export type PacLinkedRecordsProvider = (pacId: string, reach: Reach) => Promise<readonly PacLinkedRecord[]>

/**
 * The records linked to a PAC from modules listed after referrals (an RSO's visit that found the child),
 * each module registering what it holds: the PAC page shows them without knowing those modules.
 */
export function pacLinkedRecords() {
  const providers: PacLinkedRecordsProvider[] = []
  return {
    register: (provider: PacLinkedRecordsProvider) => {
      providers.push(provider)
    },
    for: async (pacId: string, reach: Reach): Promise<PacLinkedRecord[]> =>
      (await Promise.all(providers.map((p) => p(pacId, reach)))).flat(),
  }
}
