#!/usr/bin/env node
// gan-train: loads the TypeScript CLI through tsx (no build step).
import { register } from 'tsx/esm/api';

register();
await import('../cli/train.ts');
