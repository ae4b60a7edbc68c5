import type { Services } from '../../../services.ts'
import { type DeviceStatus, deviceStatuses } from '../device.ts'

export const devicesPath = '/devices'

export type TriagePageServices = Pick<Services, 'triage' | 'standards' | 'clock'>

/** The statuses a person records after seizure (seizure itself is the device's record). */
export const laterStatuses = deviceStatuses.filter((s) => s !== 'seized') as [
  Exclude<DeviceStatus, 'seized'>,
  ...Exclude<DeviceStatus, 'seized'>[],
]
