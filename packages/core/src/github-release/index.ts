export * from './local-assets.js';
export * from './publish.js';
