export * from './git.js';
export * from './redact.js';
export * from './names.js';
export * from './signing.js';
export * from './environment.js';
