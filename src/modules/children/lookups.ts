/**
 * The person index's batch reads on a caller's executor, where other modules first found them. They live
 * with the use cases now (`service/`); this path stays until the modules importing it move their imports.
 */
export { addressBoroughsOf, boroughAt as boroughOn } from './service/addresses.ts'
export { type ChildFacts, childrenByRefOrId, peopleByKey } from './service/find-people.ts'
export { flagRowsOf } from './service/flags.ts'
