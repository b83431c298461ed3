export * from './untrusted.js';
