// The PAC links moved with the service's use cases; other modules import them from here.
export { type PacLink, pacByRefOrId, pacsByRefOrId } from './service/links.ts'
