import type { AnyRule } from './rule.ts'

/**
 * The rules Kestrel checks. The engine knows none of them: each module registers its own at start,
 * with a link builder for its record kinds so a finding can point at the record it is about.
 */
export interface RuleRegistry {
  register(rule: AnyRule): void
  registerSubjectLink(kind: string, link: (subjectId: string) => string): void
  get(id: string): AnyRule | undefined
  /** Every rule, sorted by id. */
  all(): AnyRule[]
  /** The rules that check records of one kind. */
  forKind(kind: string): AnyRule[]
  /** The rules that read a table besides their own subjects' (`dependsOn`). */
  dependingOn(table: string): AnyRule[]
  subjectLink(kind: string, subjectId: string): string | undefined
}

export function createRuleRegistry(): RuleRegistry {
  const rules = new Map<string, AnyRule>()
  const links = new Map<string, (subjectId: string) => string>()
  return {
    register(rule) {
      if (rules.has(rule.id)) throw new Error(`Rule ${rule.id} is registered twice`)
      rules.set(rule.id, rule)
    },
    registerSubjectLink(kind, link) {
      links.set(kind, link)
    },
    get: (id) => rules.get(id),
    all: () => [...rules.values()].sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true })),
    forKind: (kind) => [...rules.values()].filter((r) => r.appliesTo === kind),
    dependingOn: (table) => [...rules.values()].filter((r) => r.dependsOn?.[table]),
    subjectLink(kind, subjectId) {
      const link = links.get(kind)
      return link ? link(subjectId) : undefined
    },
  }
}
