// Progressive enhancement only: every page works without this script.
import { initAll } from '/assets/govuk/govuk-frontend.min.js'
import { initSessionTimeout } from '/assets/kestrel/session-timeout.js'
import { initAll as initMoj } from '/assets/moj/moj-frontend.min.js'

initAll()
initMoj()
initSessionTimeout(document.querySelector('[data-module="kestrel-session-timeout"]'))
