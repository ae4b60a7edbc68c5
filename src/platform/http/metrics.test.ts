import { describe, expect, it } from 'vitest'
import { startMetricsServer } from './metrics.ts'

describe('internal metrics listener', () => {
  it('serves /metrics on 127.0.0.1 without authentication, and nothing else', async () => {
    const server = await startMetricsServer(0)
    try {
      const metrics = await fetch(`http://127.0.0.1:${server.port}/metrics`)
      expect(metrics.status).toBe(200)
      expect(metrics.headers.get('content-type')).toContain('text/plain')
      expect(await metrics.text()).toContain('kestrel_nodejs_eventloop_lag_seconds')
      expect((await fetch(`http://127.0.0.1:${server.port}/`)).status).toBe(404)
      expect((await fetch(`http://127.0.0.1:${server.port}/metrics`, { method: 'POST' })).status).toBe(404)
    } finally {
      await server.close()
    }
  })
})
