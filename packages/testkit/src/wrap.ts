/**
 * Rewrites a command before it is spawned, e.g. to run it under `taskset -c 1` (the benchmark
 * pins every server to one core). The default runs the command as it is.
 */
export type WrapCommand = (command: string, args: string[]) => { command: string; args: string[] };

export const asIs: WrapCommand = (command, args) => ({ command, args });
