export * from './retry.js';
export * from './fetch-with-retry.js';
export * from './read-body.js';
