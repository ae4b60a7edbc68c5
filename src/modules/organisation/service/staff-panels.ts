import type { Reach } from '../../../platform/access/need-to-know.ts'

/** A panel a later module adds to a member of staff's page (the skills audit: their training gaps). */
export interface StaffPanel {
  heading: string
  rows: readonly { key: string; value: string }[]
  /** Shown when there are no rows. */
  empty: string
  links: readonly { href: string; text: string }[]
}

/** Answers a module's panels for one member of staff; the reader's reach decides whether it shows any. */
export type StaffPanelProvider = (staffId: string, reach: Reach) => Promise<readonly StaffPanel[]>

/**
 * Panels on the staff page from modules listed after organisation, each registering what it holds, so the
 * staff page shows them without knowing those modules.
 */
export function staffPanels() {
  const providers: StaffPanelProvider[] = []
  return {
    register: (provider: StaffPanelProvider) => {
      providers.push(provider)
    },
    for: async (staffId: string, reach: Reach): Promise<StaffPanel[]> =>
      (await Promise.all(providers.map((p) => p(staffId, reach)))).flat(),
  }
}
