import { spawn } from 'node:child_process';

export interface VirtualDisplay {
  /** e.g. ":5" */
  readonly display: string;
  stop(): Promise<void>;
}

/**
 * An Xvfb display of our own (MiniBrowser has no headless mode). Xvfb picks a free display
 * number itself (-displayfd) and writes it to the pipe once it accepts clients, so tests never
 * collide with another display on the machine and never wait on a guess.
 */
export async function startXvfb(): Promise<VirtualDisplay> {
  const xvfb = spawn(
    'Xvfb',
    ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'],
    {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<void>((resolve) => xvfb.once('exit', () => resolve()));
  const display = await new Promise<string>((resolve, reject) => {
    let seen = '';
    let errors = '';
    xvfb.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    xvfb.stdio[3]!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.endsWith('\n')) resolve(`:${seen.trim()}`);
    });
    xvfb.once('exit', (code) => reject(new Error(`Xvfb exited with ${code}: ${errors}`)));
    xvfb.once('error', reject);
  });
  return {
    display,
    async stop() {
      xvfb.kill('SIGTERM');
      await exited;
    },
  };
}
