export * from './version-files.js';
export * from './request.js';
export * from './bump-version.js';
