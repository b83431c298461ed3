export * from './client.js';
export * from './marked-comment.js';
export * from './event.js';
export * from './identity.js';
export * from './pull-request-ref.js';
export * from './release-notes.js';
