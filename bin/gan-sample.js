#!/usr/bin/env node
// gan-sample: loads the TypeScript CLI through tsx (no build step).
import { register } from 'tsx/esm/api';

register();
await import('../cli/sample.ts');
