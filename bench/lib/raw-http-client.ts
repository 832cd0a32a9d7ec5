import net from "node:net";

/**
 * The load generator's client: one keep-alive HTTP/1.1 connection, one request at a time, the
 * request written as one preformatted string and only the status and length of the answer read.
 * Node's http client spends several times as much CPU per request, and a load generator shares
 * this machine's two cores with what it measures. Handles what the apiserver answers to a POST:
 * a body with Content-Length (never chunked).
 */
export class RawHttpConnection {
  private readonly socket: net.Socket;
  private buffer: Buffer = Buffer.alloc(0);
  private pending: { resolve(status: number): void; reject(err: Error): void } | undefined;
  private failure: Error | undefined;

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {
    this.socket = net.connect(port, host);
    this.socket.setNoDelay(true);
    this.socket.on("data", (chunk: Buffer) => this.onData(chunk));
    const fail = (err: Error) => {
      this.failure = err;
      this.pending?.reject(err);
      this.pending = undefined;
    };
    this.socket.on("error", fail);
    this.socket.on("close", () => fail(new Error(`connection to ${host}:${port} closed`)));
  }

  /** POSTs a JSON body; resolves with the response's status code once the whole body is read. */
  post(path: string, body: string): Promise<number> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.pending) return Promise.reject(new Error("one request at a time on a connection"));
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.socket.write(
        `POST ${path} HTTP/1.1\r\nHost: ${this.host}:${this.port}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const headerEnd = this.buffer.indexOf("\r\n\r\n");
    if (headerEnd < 0 || !this.pending) return;
    const head = this.buffer.toString("latin1", 0, headerEnd);
    const status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    if (!length) {
      this.pending.reject(new Error(`HTTP ${status} without a Content-Length`));
      this.pending = undefined;
      return;
    }
    const end = headerEnd + 4 + Number(length[1]);
    if (this.buffer.length < end) return;
    this.buffer = this.buffer.subarray(end);
    const { resolve } = this.pending;
    this.pending = undefined;
    resolve(status);
  }
}
