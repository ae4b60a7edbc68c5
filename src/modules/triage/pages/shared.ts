import { type Reach, reachOf } from '../../../platform/access/need-to-know.ts'
import type { Principal } from '../../../platform/auth/principal.ts'
import type { Services } from '../../../services.ts'
import { type DeviceStatus, deviceStatuses } from '../device.ts'

export const devicesPath = '/devices'

export type TriagePageServices = Pick<Services, 'triage' | 'standards'>

export const reachOfPrincipal = (principal: Principal): Reach => reachOf(principal)

/** The statuses a person records after seizure (seizure itself is the device's record). */
export const laterStatuses = deviceStatuses.filter((s) => s !== 'seized') as [
  Exclude<DeviceStatus, 'seized'>,
  ...Exclude<DeviceStatus, 'seized'>[],
]
