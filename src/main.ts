// The helpdesk's entry for the command line, the tests and the benchmarks: built in src/app/helpdesk.ts,
// part by part (src/app/*), so that nothing under src/app/ has to import this file back.
export * from './app/helpdesk.ts';
