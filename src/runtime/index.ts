/** The runtime `--app-runtime` names, made once at start; none for `builtin` (nothing runs). */
import type { AppRuntimeKind } from '../config.js';
import { ProcessRuntime } from './process.js';
import type { Runtime, RuntimeOptions } from './runtime.js';

export function createRuntime(kind: AppRuntimeKind, options: RuntimeOptions): Runtime | undefined {
  switch (kind) {
    case 'builtin':
      return undefined;
    case 'process':
      return new ProcessRuntime(options);
  }
}
