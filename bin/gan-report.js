#!/usr/bin/env node
// gan-report: cli/report.ts, started by bin/run.js.
import { run } from './run.js';

await run('gan-report', 'report');
