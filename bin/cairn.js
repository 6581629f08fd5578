#!/usr/bin/env node
// The `cairn` command-line tool (package bin): runs src/cli/main.ts through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
