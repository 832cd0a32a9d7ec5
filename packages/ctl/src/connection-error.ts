/** The apiserver could not be reached at all; the message says how to get a cluster. */
export class ConnectionError extends Error {
  constructor(
    readonly server: string,
    readonly code: string | undefined,
    detail: string,
  ) {
    super(connectionMessage(server, code, detail));
    this.name = "ConnectionError";
  }
}

function connectionMessage(server: string, code: string | undefined, detail: string): string {
  const host = hostOf(server);
  if (code === "ECONNREFUSED") {
    return (
      `The connection to the server ${host} was refused - did you specify the right host or port?\n` +
      "No minik8s apiserver answers there. Start a cluster with `npx minik8s up` (or `npm start` in the " +
      "minik8s repository), or point --server, --kubeconfig or KUBECONFIG at a running one."
    );
  }
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") {
    return `dial tcp: lookup ${host}: no such host; check the server in your kubeconfig`;
  }
  if (code === "TIMEOUT") return `the request to ${server} timed out (--request-timeout)`;
  return detail.startsWith("cannot") || detail.startsWith("the ")
    ? detail
    : `Unable to connect to the server: ${detail}`;
}

function hostOf(server: string): string {
  try {
    return new URL(server).host;
  } catch {
    return server;
  }
}
