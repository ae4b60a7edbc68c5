// The GOV.UK timeout warning, as progressive enhancement: without JavaScript the page already says when
// the person will be signed out (layout.njk). With it, two minutes before then a warning appears, and
// "Stay signed in" asks the server something harmless (who am I), which counts as using the session.

const warnSeconds = 120
const london = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  hour: '2-digit',
  minute: '2-digit',
})

function inWords(seconds) {
  if (seconds >= 90) return `${Math.round(seconds / 60)} minutes`
  if (seconds > 60) return '1 minute'
  const rounded = Math.max(10, Math.ceil(seconds / 10) * 10)
  return `${rounded} seconds`
}

export function initSessionTimeout(notice) {
  if (!notice) return
  const idleSeconds = Number(notice.dataset.idleSeconds)
  const started = Date.now()
  // Times from the server as seconds from now, so a wrong clock on this computer does not matter.
  const expiresAt = started + Number(notice.dataset.expiresSecondsLeft) * 1000
  let endsAt = started + Number(notice.dataset.secondsLeft) * 1000
  let idle = notice.dataset.idle === 'true'
  let warning
  let timer

  function describe() {
    const time = london.format(new Date(endsAt))
    notice.textContent = `You will be signed out at ${time}${idle ? ' if you do nothing' : ''}.`
  }

  function showWarning() {
    if (!warning) {
      warning = document.createElement('div')
      warning.className = 'govuk-notification-banner kestrel-session-warning'
      warning.setAttribute('role', 'alert')
      warning.innerHTML =
        '<div class="govuk-notification-banner__header"><h2 class="govuk-notification-banner__title">Important</h2></div>' +
        '<div class="govuk-notification-banner__content"><p class="govuk-notification-banner__heading"></p></div>'
      const content = warning.querySelector('.govuk-notification-banner__content')
      if (idle) {
        const button = document.createElement('button')
        button.type = 'button'
        button.className = 'govuk-button govuk-!-margin-bottom-0'
        button.textContent = 'Stay signed in'
        button.addEventListener('click', staySignedIn)
        content.append(button)
      }
      notice.after(warning)
    }
    const left = Math.round((endsAt - Date.now()) / 1000)
    const heading = warning.querySelector('.govuk-notification-banner__heading')
    const text =
      left > 0
        ? `You will be signed out in ${inWords(left)}${idle ? ' if you do nothing' : ''}. Anything you have not saved will be lost.`
        : 'You have been signed out. Reload the page to sign in again.'
    // Changed only when the words change, so a screen reader hears the alert now and then, not every tick.
    if (heading.textContent !== text) heading.textContent = text
    if (left <= 0) warning.querySelector('button')?.remove()
  }

  async function staySignedIn() {
    const response = await fetch('/api/v1/me', { headers: { accept: 'application/json' } })
    if (!response.ok) {
      window.location.reload()
      return
    }
    endsAt = Math.min(Date.now() + idleSeconds * 1000, expiresAt)
    idle = endsAt < expiresAt
    warning?.remove()
    warning = undefined
    describe()
    schedule()
  }

  function schedule() {
    clearTimeout(timer)
    const untilWarning = endsAt - warnSeconds * 1000 - Date.now()
    if (untilWarning > 0) {
      timer = setTimeout(schedule, Math.min(untilWarning, 60_000))
      return
    }
    showWarning()
    if (endsAt > Date.now()) timer = setTimeout(schedule, 10_000)
  }

  schedule()
}
