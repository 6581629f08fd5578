// A fake Gemini API on 127.0.0.1 for the real @google/genai client: answers
// POST /{version}/models/{model}:generateContent like Google does (candidates + usageMetadata),
// or with an error status, after an optional delay. Tests script the answers.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GeminiRequest {
  model: string;
  apiKey: string | undefined;
  body: {
    contents?: { role?: string; parts?: { text?: string }[] }[];
    systemInstruction?: { parts?: { text?: string }[] };
    generationConfig?: { responseMimeType?: string; responseSchema?: unknown; [key: string]: unknown };
  };
  /** The prompt text (all parts of all contents). */
  prompt: string;
  system: string;
}

export type FakeAnswer =
  | { json: unknown; promptTokens?: number; responseTokens?: number; delayMs?: number }
  | { text: string; promptTokens?: number; responseTokens?: number; delayMs?: number; finishReason?: string }
  | { status: number; message?: string; delayMs?: number };

export class FakeGemini {
  readonly requests: GeminiRequest[] = [];
  /** Requests being answered now, and the most there ever were at once. */
  inFlight = 0;
  maxInFlight = 0;
  /** Decides each answer; the default says the text is harmless / of middling quality. */
  handler: (request: GeminiRequest) => FakeAnswer = (r) =>
    r.system.includes('quality') ? { json: { score: 0.5 }, promptTokens: 50, responseTokens: 5 } : { json: { risk: 'green', summary: 'Harmless. Nothing to do.', reasons: [] }, promptTokens: 100, responseTokens: 20 };

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeGemini> {
    const holder: { fake?: FakeGemini } = {};
    const server = createServer((req, res) => void holder.fake!.handle(req, res));
    // The client (undici) drops idle sockets after 4 s; a server closing them first (Node's 5 s
    // default) races it on a loaded machine, and a request on a socket being closed fails as
    // "could not reach Gemini". Idle sockets are the client's to close.
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    holder.fake = new FakeGemini(server, `http://127.0.0.1:${port}`);
    return holder.fake;
  }

  /** Answers every request with the same thing. */
  always(answer: FakeAnswer): void {
    this.handler = () => answer;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const match = /\/models\/([^/:]+):generateContent$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !match) {
      res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: { code: 404, message: `no route ${req.method} ${req.url}`, status: 'NOT_FOUND' } }));
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as GeminiRequest['body'];
    const text = (parts: { text?: string }[] | undefined) => (parts ?? []).map((p) => p.text ?? '').join('');
    const request: GeminiRequest = {
      model: decodeURIComponent(match[1]!),
      apiKey: req.headers['x-goog-api-key'] as string | undefined,
      body,
      prompt: (body.contents ?? []).map((c) => text(c.parts)).join('\n'),
      system: text(body.systemInstruction?.parts),
    };
    this.requests.push(request);
    const answer = this.handler(request);
    this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
    try {
      if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
    } finally {
      this.inFlight--;
    }
    if (res.destroyed || res.socket?.destroyed) return;
    if ('status' in answer) {
      const status = answer.status === 429 ? 'RESOURCE_EXHAUSTED' : answer.status >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT';
      res.writeHead(answer.status, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: { code: answer.status, message: answer.message ?? status, status } }));
      return;
    }
    const out = 'json' in answer ? JSON.stringify(answer.json) : answer.text;
    const promptTokens = answer.promptTokens ?? 10;
    const responseTokens = answer.responseTokens ?? 5;
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(
      JSON.stringify({
        candidates: [{ content: { role: 'model', parts: [{ text: out }] }, finishReason: ('finishReason' in answer && answer.finishReason) || 'STOP', index: 0 }],
        usageMetadata: { promptTokenCount: promptTokens, candidatesTokenCount: responseTokens, totalTokenCount: promptTokens + responseTokens },
        modelVersion: request.model,
      }),
    );
  }
}
