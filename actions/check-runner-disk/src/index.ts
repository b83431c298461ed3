// First: Node's fetch keeps its own HTTP client (see node-fetch-dispatcher.ts).
import '@exegol-release/core/node-fetch-dispatcher';
import { getState } from '@actions/core';
import { run as main } from './main.js';
import { run as post } from './post.js';

await (getState('isPost') === 'true' ? post() : main());
