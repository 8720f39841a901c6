import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One HTTP request as it arrived on the wire. */
export interface WireRequest {
  method: string;
  path: string;
  /** the API operation, from X-Amz-Target (JSON protocols) or Action= (query protocols), when it says */
  operation: string | undefined;
}

export interface Recorder {
  url: string;
  requests: WireRequest[];
  close(): Promise<void>;
}

/**
 * A tiny HTTP server that records every request. With `upstream` it forwards each request there
 * (a counting proxy in front of moto); without, it answers 503 so nothing can succeed through it.
 */
export async function startRecorder(upstream?: string): Promise<Recorder> {
  const requests: WireRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      requests.push({ method: req.method ?? '', path: req.url ?? '', operation: operationOf(req, body) });
      if (upstream) forward(upstream, req, body, res);
      else res.writeHead(503, { 'content-type': 'text/plain' }).end('request counter: no AWS call was expected');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function operationOf(req: IncomingMessage, body: Buffer): string | undefined {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return target.split('.').pop();
  const action = /(?:^|&)Action=([A-Za-z0-9]+)/.exec(body.toString('utf8'));
  if (action) return action[1];
  // REST protocols that name the operation in the path: X-Ray's POST /GetGroup, /CreateGroup, …
  return /^\/([A-Z][A-Za-z]+)$/.exec(req.url ?? '')?.[1];
}

function forward(upstream: string, req: IncomingMessage, body: Buffer, res: ServerResponse): void {
  const target = new URL(req.url ?? '/', upstream);
  const outgoing = httpRequest(
    target,
    { method: req.method, headers: { ...req.headers, host: target.host } },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  outgoing.on('error', (error) => res.writeHead(502).end(String(error)));
  outgoing.end(body);
}
