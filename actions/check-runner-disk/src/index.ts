import { getState } from '@actions/core';
import { run as main } from './main.js';
import { run as post } from './post.js';

await (getState('isPost') === 'true' ? post() : main());
