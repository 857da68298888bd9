/** The runtime `--app-runtime` names, made once at start; none for `builtin` (nothing runs). */
import type { Config } from '../config.js';
import { ProcessRuntime } from './process.js';
import type { Runtime, RuntimeOptions } from './runtime.js';

/** The runtime, ready: an engine it needs answers now (a Swarm manager, for swarm), or the start fails saying so. */
export async function createRuntime(config: Config, options: RuntimeOptions): Promise<Runtime | undefined> {
  switch (config.appRuntime) {
    case 'builtin':
      return undefined;
    case 'process':
      return new ProcessRuntime(options);
    // Each engine's runtime is loaded only when chosen: dockerode and what it brings were a quarter
    // of every start-up.
    case 'docker': {
      const { DockerRuntime, dockerSettings } = await import('./docker.js');
      const runtime = new DockerRuntime(options, dockerSettings(config));
      await runtime.ping();
      return runtime;
    }
    case 'swarm': {
      const { SwarmRuntime, swarmSettings } = await import('./swarm.js');
      const runtime = new SwarmRuntime(options, swarmSettings(config));
      await runtime.ping();
      return runtime;
    }
  }
}
