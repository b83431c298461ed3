export * from './requirements.js';
export * from './list-runners.js';
export * from './check-runners.js';
