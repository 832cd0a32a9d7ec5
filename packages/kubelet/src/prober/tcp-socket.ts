import net from "node:net";
import { dialError, hostPort } from "./http-get.js";
import type { ProbeOutcome } from "./probe-outcome.js";

/** Kubernetes' TCP prober: success when a connection opens within the timeout, then closes it. */
export function tcpSocket(host: string, port: number, timeoutMs: number): Promise<ProbeOutcome> {
  const addr = hostPort(host, port);
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (outcome: ProbeOutcome) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(
      () => done({ result: "failure", output: `dial tcp ${addr}: i/o timeout` }),
      timeoutMs,
    );
    socket.once("connect", () => done({ result: "success", output: "" }));
    socket.once("error", (err: NodeJS.ErrnoException) =>
      done({ result: "failure", output: dialError(err, addr) }),
    );
  });
}
