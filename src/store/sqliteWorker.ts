/**
 * A worker thread with a SQLite connection of its own to the store's file, for the work that must
 * not stop the event loop (checkpointer.ts, offLoopReads.ts). Each worker's code is given as source,
 * not as a module file: under the test runner this module is TypeScript, which a worker's entry file
 * cannot be. The code finds `parentPort`, `workerData`, the connection `db`, and `guarded`, which
 * turns a SqliteError (whose message would not cross the thread) into a plain Error naming its code.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const PREAMBLE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const guarded = (step) => {
  try {
    return step();
  } catch (error) {
    throw new Error(\`\${error.code ?? 'Error'}: \${error.message}\`);
  }
};
const db = guarded(() => new Database(workerData.file, { fileMustExist: true, readonly: workerData.readonly }));
`;

export interface SqliteWorkerData {
  /** The database file, which must exist. */
  file: string;
  readonly: boolean;
  [setting: string]: unknown;
}

/**
 * Starts `code` on a worker with its connection to `data.file` open. `ended` is told once why the
 * worker stopped: the error it threw, or its exit (`the <name> exited (code N)`; terminate() too).
 */
export function startSqliteWorker(code: string, data: SqliteWorkerData, name: string, ended: (error: Error) => void): Worker {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(`${PREAMBLE}${code}`, { eval: true, workerData: { ...data, driver } });
  let told = false;
  const end = (error: Error) => {
    if (told) return;
    told = true;
    ended(error);
  };
  worker.on('error', end);
  worker.on('exit', (exitCode) => end(new Error(`the ${name} exited (code ${exitCode})`)));
  return worker;
}
