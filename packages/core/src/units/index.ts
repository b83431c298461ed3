export * from './size.js';
export * from './duration.js';
