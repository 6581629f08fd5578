// One request on its own connection. A pooled client (fetch) reuses a socket the server has just
// closed after refusing an oversized body, and then reports that next request as failed: the fuzz
// must blame each answer on the request that caused it.
import { request } from 'node:http';

export interface Answer {
  /** 0: the server closed the connection before answering. */
  status: number;
  text: string;
}

export function send(url: string, options: { method: string; headers: Record<string, string>; body?: string | undefined; timeoutMs: number }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(url, { method: options.method, headers: { ...options.headers, Connection: 'close' }, agent: false, timeout: options.timeoutMs }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    // The server may answer (413) and close before the whole body is written: the answer counts.
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (answered) return;
      // The server refused an oversized body and closed the connection before it was all written.
      if (error.code === 'EPIPE' || error.code === 'ECONNRESET') resolve({ status: 0, text: `connection closed while sending (${error.code})` });
      else reject(error);
    });
    req.end(options.body);
  });
}
