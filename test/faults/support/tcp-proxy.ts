// A TCP proxy on 127.0.0.1 in front of the Postgres server: closing it is the database going away
// (open connections cut, new ones refused), opening it again on the same port is the database back.
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export class TcpProxy {
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;
  #port = 0;

  private constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  /** Starts a proxy to `target` (host:port) on a free local port. */
  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const proxy = new TcpProxy(target.host, target.port);
    await proxy.open();
    return proxy;
  }

  get port(): number {
    return this.#port;
  }

  get isOpen(): boolean {
    return this.#server !== undefined;
  }

  /** `url` (a postgres:// URL) with its host and port replaced by the proxy's. */
  rewrite(url: string): string {
    const u = new URL(url);
    u.hostname = '127.0.0.1';
    u.port = String(this.#port);
    return u.toString();
  }

  /** Accepts connections again, on the port it had before (or a free one the first time). */
  async open(): Promise<void> {
    if (this.#server) return;
    const server = createServer((client) => this.#pipe(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#port, '127.0.0.1', () => resolve());
    });
    this.#port = (server.address() as { port: number }).port;
    this.#server = server;
  }

  /** Cuts every open connection; with `refuse`, stops listening too (new connections are refused). */
  async close(options: { refuse?: boolean; reset?: boolean } = { refuse: true }): Promise<void> {
    this.cut(options.reset ?? false);
    if (!options.refuse || !this.#server) return;
    const server = this.#server;
    this.#server = undefined;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Cuts the open connections (a FIN, or a TCP reset) and keeps accepting new ones. */
  cut(reset = false): void {
    for (const socket of this.#sockets) {
      if (reset) socket.resetAndDestroy();
      else socket.destroy();
    }
    this.#sockets.clear();
  }

  #pipe(client: Socket): void {
    const upstream = createConnection({ host: this.targetHost, port: this.targetPort });
    const pair = [client, upstream];
    for (const s of pair) {
      this.#sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => {
        this.#sockets.delete(s);
        for (const other of pair) if (other !== s) other.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
