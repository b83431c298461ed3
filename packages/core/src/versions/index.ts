export * from './python-version.js';
export * from './python-version-bump.js';
export * from './plain-tag.js';
export * from './previous-tag.js';
