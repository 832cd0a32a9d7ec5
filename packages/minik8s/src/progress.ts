/** One progress line of `up`, `server` or `agent`: what is starting, and how it went. */
export type Progress = (what: string, detail: string) => void;

export const progressToStdout: Progress = (what, detail) => {
  process.stdout.write(`  ${what.padEnd(12)} ${detail}\n`);
};
