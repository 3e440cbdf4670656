#!/usr/bin/env node
// gan-train: cli/train.ts, started by bin/run.js.
import { run } from './run.js';

await run('gan-train', 'train');
