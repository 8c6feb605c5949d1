export * from './conferences.js';
export * from './rooms.js';
export * from './talks.js';
export * from './job-records.js';
export * from './relations.js';
export * from './json-types.js';
export * from './schedule-imports.js';
export * from './fleet.js';
