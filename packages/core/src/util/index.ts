export * from './concurrency.js';
export * from './command.js';
export * from './template.js';
export * from './jwt.js';
