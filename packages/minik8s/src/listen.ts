/** `127.0.0.1:6443`, `:6443` or `6443` into a host and a port. */
export function parseListen(value: string): { host: string; port: number } {
  const at = value.lastIndexOf(":");
  const host = at > 0 ? value.slice(0, at) : "127.0.0.1";
  const port = Number(at >= 0 ? value.slice(at + 1) : value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--listen: want HOST:PORT, got ${JSON.stringify(value)}`);
  }
  return { host: host.replace(/^\[|\]$/g, ""), port };
}
