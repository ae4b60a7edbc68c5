import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { permits } from '../../../platform/access/access.ts'
import { checkboxes, text } from '../../../platform/http/form-fields.ts'
import { page, view } from '../../../platform/http/page.ts'
import { auditAccess } from '../access.ts'
import { type Theme, themeLabels } from '../criteria.ts'
import { type AuditPageDeps, auditsPath } from './shared.ts'

export const bulletinsPath = `${auditsPath}/bulletins`

const bulletinForm = z.object({
  title: text({ required: 'Enter a title', maxLength: 200 }),
  learning: checkboxes({ required: 'Select the learning points to share' }),
})

/** Force-wide bulletins of audit learning: read by everyone, each reader's receipt kept; published by the DIT. */
export function bulletinPages(app: FastifyInstance, deps: AuditPageDeps) {
  const { audits } = deps
  page(app, bulletinsPath, {
    access: auditAccess.bulletins,
    get: async ({ principal }) =>
      view('audits/views/bulletins.njk', {
        pageTitle: 'Learning from audits',
        bulletins: await audits.bulletins(principal),
        mayPublish: permits(auditAccess.audit, principal.roles),
      }),
  })

  page(app, `${bulletinsPath}/new`, {
    access: auditAccess.audit,
    form: bulletinForm,
    get: async ({ form }) => {
      const chosen = new Set((form?.values.learning as string[] | undefined) ?? [])
      return view('audits/views/bulletin-new.njk', {
        pageTitle: 'Publish a learning bulletin',
        values: form?.values ?? {},
        learningItems: (await audits.unsharedLearning()).map((l) => ({
          value: l.id,
          text: `${themeLabels[l.theme as Theme]}: ${l.text}`,
          hint: { text: `${l.ref}${l.audit_ref ? `, from audit ${l.audit_ref}` : ''}` },
          checked: chosen.has(l.id),
        })),
      })
    },
    post: async ({ input, principal }) => {
      const made = await audits.publishBulletin(input, principal)
      return `${bulletinsPath}/${made.ref}`
    },
  })

  page(app, `${bulletinsPath}/:ref`, {
    access: auditAccess.bulletins,
    form: z.object({}),
    get: async ({ params, principal }) => {
      const shown = (await audits.bulletins(principal)).find(
        (b) => b.ref === (params.ref as string).toUpperCase(),
      )
      const bulletin = await audits.bulletin(params.ref as string)
      return view('audits/views/bulletin.njk', {
        pageTitle: bulletin.title,
        bulletin,
        read: shown?.read ?? false,
        items: bulletin.items.map((i) => ({ ...i, theme: themeLabels[i.theme as Theme] })),
        // Who has read it is the DIT's to see, to know whether the learning reached the force.
        receipts: permits(auditAccess.audit, principal.roles) ? bulletin.receipts : null,
      })
    },
    post: async ({ params, principal }) => {
      await audits.readBulletin(params.ref as string, principal)
      return `${bulletinsPath}/${(params.ref as string).toUpperCase()}`
    },
  })
}
