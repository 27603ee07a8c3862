import { type Server, type Socket, connect, createServer } from "node:net";
import type { AddressInfo } from "node:net";

export interface ConnectProxy {
  url: string;
  /** Every CONNECT target asked for, "host:port", in order. */
  tunnels: string[];
  close(): Promise<void>;
}

/**
 * A minimal HTTP proxy that only tunnels (CONNECT host:port), as company proxies do for HTTPS;
 * enough to see that a client really went through it. Anything else gets 405.
 */
export async function startConnectProxy(): Promise<ConnectProxy> {
  const tunnels: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    client.on("error", () => client.destroy());
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) return;
      client.off("data", onData);
      const [method, target] = head.subarray(0, end).toString("latin1").split(" ");
      if (method !== "CONNECT" || !target) {
        client.end("HTTP/1.1 405 Method Not Allowed\r\ncontent-length: 0\r\n\r\n");
        return;
      }
      tunnels.push(target);
      const i = target.lastIndexOf(":");
      const upstream = connect(Number(target.slice(i + 1)), target.slice(0, i).replace(/^\[|\]$/g, ""), () => {
        client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        const rest = head.subarray(end + 4);
        if (rest.length) upstream.write(rest);
        client.pipe(upstream).pipe(client);
      });
      sockets.add(upstream);
      upstream.on("close", () => sockets.delete(upstream));
      upstream.on("error", () => client.destroy());
    };
    client.on("data", onData);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    tunnels,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
