import { runner } from '@exegol-release/core';
import { run } from './main.js';
import { post } from './post.js';

await (runner.getState('isPost') === 'true' ? post() : run());
