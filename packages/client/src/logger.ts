/**
 * The logging shape every component passes in: pino's `(fields, message)` call style, so a pino
 * logger fits as it is and tests can pass a recorder. Fields name the object (`pod: "ns/name"`)
 * and the decision; the message says what happened in words.
 */
export interface Logger {
  debug(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

const ignore = () => {};

/** The default: components stay quiet unless a logger is given. */
export const silentLogger: Logger = { debug: ignore, info: ignore, warn: ignore, error: ignore };
