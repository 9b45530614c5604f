// A minimal Language Server Protocol client over stdio (JSON-RPC with Content-Length framing),
// enough to drive yaml-language-server as an editor does: initialize, answer the server's
// workspace/configuration pulls, open a document, wait for its diagnostics, ask for completion.
import { spawn, type ChildProcess } from 'node:child_process';

type Json = Record<string, unknown>;
interface Message {
  jsonrpc: '2.0';
  id?: number | string;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { code: number; message: string };
}

export class LspClient {
  readonly child: ChildProcess;
  readonly stderr: string[] = [];
  #buffer = Buffer.alloc(0);
  #nextId = 1;
  #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  #listeners: ((m: Message) => void)[] = [];
  readonly notifications: Message[] = [];

  /** `settings`: what the server gets for each section it pulls (`yaml`, `http`, ...). */
  constructor(command: string, args: string[], private readonly settings: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env) {
    this.child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env });
    this.child.stdout?.on('data', (chunk: Buffer) => this.#read(chunk));
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (s: string) => this.stderr.push(s));
    this.child.on('exit', () => {
      for (const p of this.#pending.values()) p.reject(new Error(`language server exited: ${this.stderr.join('')}`));
      this.#pending.clear();
    });
  }

  #read(chunk: Buffer): void {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    for (;;) {
      const headerEnd = this.#buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(this.#buffer.subarray(0, headerEnd).toString())?.[1]);
      if (this.#buffer.length < headerEnd + 4 + length) return;
      const body = this.#buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8');
      this.#buffer = this.#buffer.subarray(headerEnd + 4 + length);
      this.#dispatch(JSON.parse(body) as Message);
    }
  }

  #dispatch(m: Message): void {
    if (m.method !== undefined && m.id !== undefined) {
      this.#send({ jsonrpc: '2.0', id: m.id, result: this.#answer(m.method, m.params) });
      return;
    }
    if (m.method !== undefined) {
      this.notifications.push(m);
      for (const l of this.#listeners) l(m);
      return;
    }
    const pending = this.#pending.get(Number(m.id));
    if (!pending) return;
    this.#pending.delete(Number(m.id));
    if (m.error) pending.reject(new Error(`${m.error.code}: ${m.error.message}`));
    else pending.resolve(m.result);
  }

  /** The server's own requests: configuration from `settings`, everything else acknowledged. */
  #answer(method: string, params: unknown): unknown {
    if (method === 'workspace/configuration') {
      const items = (params as { items: { section?: string }[] }).items;
      return items.map((i) => (i.section === undefined ? null : (this.settings[i.section] ?? null)));
    }
    return null;
  }

  #send(m: Message): void {
    const body = Buffer.from(JSON.stringify(m), 'utf8');
    this.child.stdin?.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]));
  }

  request<T>(method: string, params: unknown): Promise<T> {
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.#send({ jsonrpc: '2.0', id, method, params });
    });
  }

  notify(method: string, params: unknown): void {
    this.#send({ jsonrpc: '2.0', method, params });
  }

  /** Resolves with the first notification (already received or next) that `match` accepts. */
  waitForNotification(match: (m: Message) => boolean, timeoutMs: number): Promise<Message> {
    const seen = this.notifications.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#listeners = this.#listeners.filter((l) => l !== listener);
        reject(new Error(`no matching notification in ${timeoutMs} ms; got: ${this.notifications.map((n) => n.method).join(', ')}\n${this.stderr.join('')}`));
      }, timeoutMs);
      const listener = (m: Message): void => {
        if (!match(m)) return;
        clearTimeout(timer);
        this.#listeners = this.#listeners.filter((l) => l !== listener);
        resolve(m);
      };
      this.#listeners.push(listener);
    });
  }

  async initialize(rootUri: string): Promise<Json> {
    const result = await this.request<Json>('initialize', {
      processId: process.pid,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: 'test' }],
      capabilities: {
        workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } },
        textDocument: { completion: { completionItem: { snippetSupport: true } }, publishDiagnostics: {}, synchronization: {} },
      },
    });
    this.notify('initialized', {});
    this.notify('workspace/didChangeConfiguration', { settings: this.settings });
    return result;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    await Promise.race([this.request('shutdown', null).catch(() => undefined), new Promise((r) => setTimeout(r, 1_000))]);
    this.notify('exit', null);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 2_000);
    await exited;
    clearTimeout(timer);
  }
}
