/** Types of kill-child.mjs (the parent side of the SIGKILL crash tests). */
export function runKilledChild(script: string, args: readonly unknown[], killAfterMs: number, onLine: (line: string) => void): Promise<void>;
