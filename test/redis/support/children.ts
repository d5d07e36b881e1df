import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A message a worker sends to the test. */
export interface WorkerMessage {
  type: string;
  [field: string]: unknown;
}

/** A worker script running in its own OS process (node + tsx), talking over IPC. */
export interface Worker {
  process: ChildProcess;
  /** Resolves with the first message of this type. */
  next(type: string): Promise<WorkerMessage>;
  send(message: WorkerMessage): void;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
}

const running = new Set<ChildProcess>();

/** Starts `test/redis/workers/<name>.ts` in a child process with `config` as its argument. */
export function startWorker(name: string, config: unknown): Worker {
  const file = fileURLToPath(new URL(`../workers/${name}.ts`, import.meta.url));
  const child = fork(file, [JSON.stringify(config)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  running.add(child);
  const inbox: WorkerMessage[] = [];
  const waiting: Array<{ type: string; resolve: (m: WorkerMessage) => void }> = [];
  child.on('message', (message: WorkerMessage) => {
    const i = waiting.findIndex((w) => w.type === message.type);
    if (i >= 0) waiting.splice(i, 1)[0]!.resolve(message);
    else inbox.push(message);
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    });
  });
  return {
    process: child,
    exited,
    send: (message) => child.send(message),
    next: (type) => {
      const i = inbox.findIndex((m) => m.type === type);
      if (i >= 0) return Promise.resolve(inbox.splice(i, 1)[0]!);
      return new Promise((resolve, reject) => {
        waiting.push({ type, resolve });
        void exited.then((code) =>
          reject(new Error(`worker ${name} exited (${String(code)}) before sending "${type}"`)),
        );
      });
    },
  };
}

/** Kills workers a failed test left behind. */
export function killWorkers(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}
