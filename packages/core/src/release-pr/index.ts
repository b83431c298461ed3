export * from './facts.js';
export * from './rules.js';
export * from './comment.js';
export * from './verify.js';
export * from './detail.js';
export * from './checks.js';
export * from './submodules.js';
export * from './companion.js';
