/**
 * The apiserver could not be reached at all (as opposed to answering with an error Status).
 * The message names the server and says what to do, because the usual cause is that no cluster
 * is running, or that the kubeconfig points at another one.
 */
export class ConnectionError extends Error {
  constructor(
    readonly server: string,
    readonly code: string | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ConnectionError";
  }

  static from(server: string, err: unknown): ConnectionError {
    const code = (err as { code?: string } | undefined)?.code;
    const detail = err instanceof Error ? err.message : String(err);
    return new ConnectionError(server, code, `${explain(server, code, detail)}`, { cause: err });
  }
}

const TLS_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

function explain(server: string, code: string | undefined, detail: string): string {
  switch (code) {
    case "ECONNREFUSED":
      return `cannot reach the apiserver at ${server}: connection refused. Is a cluster running? Start one with \`npx minik8s up\`, or point --server / KUBECONFIG at a running apiserver`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `cannot resolve the apiserver host of ${server} (${detail}); check the server in your kubeconfig`;
    case "ETIMEDOUT":
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return `cannot reach the apiserver at ${server}: ${detail}; check the address and that the machine is up`;
    case "ECONNRESET":
      return `the connection to the apiserver at ${server} was reset: ${detail}`;
  }
  if (code && TLS_CODES.has(code)) {
    return `the apiserver at ${server} presented a certificate we do not trust (${code}): check certificate-authority(-data) in your kubeconfig`;
  }
  return `request to the apiserver at ${server} failed: ${detail}`;
}
