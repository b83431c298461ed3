export * from './filesystem.js';
export * from './min-free.js';
export * from './cleanup.js';
export * from './check-disk.js';
export * from './cleanup-guard.js';
export * from './empty-directory.js';
