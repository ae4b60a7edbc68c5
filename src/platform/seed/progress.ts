/** A one-line progress bar on a terminal; silent when output is piped, so logs stay clean. */
export function progressBar(label: string, total: number, stream: NodeJS.WriteStream = process.stderr) {
  const interactive = Boolean(stream.isTTY)
  let done = 0
  let lastDraw = 0
  const draw = (force = false) => {
    if (!interactive) return
    const now = Date.now()
    if (!force && now - lastDraw < 100) return
    lastDraw = now
    const width = 30
    const fraction = total > 0 ? Math.min(1, done / total) : 1
    const filled = Math.round(fraction * width)
    stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`)
  }
  return {
    advance(n = 1) {
      done += n
      draw()
    },
    finish() {
      done = total
      draw(true)
      if (interactive) stream.write('\n')
    },
  }
}
