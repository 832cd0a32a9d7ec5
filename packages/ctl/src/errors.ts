import { StatusError } from "@minik8s/api/status-error";
import { ConnectionError } from "./connection-error.js";

/** An error the command reports as it is, ending mkctl with `code`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code = 1,
    /** Print the message without kubectl's `error: ` prefix. */
    readonly raw = false,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/** The kubeconfig cannot say where the apiserver is; printed as it is, without `error: `. */
export class ConfigError extends Error {}

/** The message kubectl prints for an error, as its `cmdutil.CheckErr` does. */
export function formatError(err: unknown): string {
  if (err instanceof CliError)
    return err.raw || err.message.startsWith("error: ") ? err.message : `error: ${err.message}`;
  if (err instanceof StatusError) return formatStatusError(err);
  if (err instanceof ConnectionError || err instanceof ConfigError) return err.message;
  if (err instanceof Error) return err.message.startsWith("error: ") ? err.message : `error: ${err.message}`;
  return `error: ${String(err)}`;
}

export function formatStatusError(err: StatusError): string {
  if (err.reason === "Invalid" && err.details) {
    const d = err.details;
    let head = "The request is invalid";
    if (d.kind || d.name) head = `The ${d.kind ?? ""} "${d.name ?? ""}" is invalid`;
    const causes = (d.causes ?? []).map((c) => {
      const msg = c.message ?? "";
      // Kubernetes puts the path in `field` and the rest in `message`; keep one path either way.
      return c.field && !msg.startsWith(c.field) ? `${c.field}: ${msg}` : msg;
    });
    if (causes.length === 0) return head;
    if (causes.length === 1) return `${head}: ${causes[0]}`;
    return `${head}: \n${causes.map((c) => `* ${c}`).join("\n")}`;
  }
  if (err.code === 401) return "error: You must be logged in to the server (Unauthorized)";
  return `Error from server (${err.reason}): ${err.message}`;
}
