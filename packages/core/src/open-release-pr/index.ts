export * from './patterns.js';
export * from './submodules.js';
export * from './description.js';
export * from './pull-request.js';
export * from './request.js';
export * from './open-release-pr.js';
