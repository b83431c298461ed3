// First: Node's fetch keeps its own HTTP client (see node-fetch-dispatcher.ts).
import '@exegol-release/core/node-fetch-dispatcher';
import { run } from './main.js';

await run();
