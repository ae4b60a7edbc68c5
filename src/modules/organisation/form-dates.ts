// The GOV.UK date input moved to the platform (src/platform/http/date-input.ts), beside the page handler.
// Kept so modules not yet on the page handler import it from here unchanged.
export * from '../../platform/http/date-input.ts'
