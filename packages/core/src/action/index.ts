export * from './errors.js';
export * from './logger.js';
export * from './inputs.js';
export * from './run-action.js';
export * from './summary.js';
export * from './context.js';
