// The editor experience, checked with the real yaml-language-server (what VS Code's YAML
// extension runs) over stdio: a three-document file written with schemaModeline() in every
// document gets one diagnostic per typo in each document and completion in each, and the schema
// bundle resolves offline. Every HTTP(S) request the server makes goes to a local trap proxy that
// refuses it (no network) and records it: none may be for our schemas. The same file with only one
// modeline at the top is checked only in its first document: why every document needs its own.
// The `yaml.schemas` glob setting the README gives for VS Code checks every document without one.
import { createServer, type Server } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinDocumentsWithModeline, schemaModeline } from '../../src/spec/schema-modeline.js';
import { LspClient } from '../support/lsp-client.js';
import { tempDir } from '../source/git-fixtures.js';

const SERVER = createRequire(import.meta.url).resolve('yaml-language-server/bin/yaml-language-server');
const SCHEMA = fileURLToPath(new URL('../../schemas/document.schema.json', import.meta.url));
const WAIT_MS = 8_000;

const DOCUMENTS = [
  'apiVersion: ecs-reconciler/v1\nkind: TargetGroup\nmetadata: { name: lsp-tg }\nspec:\n  vpcId: vpc-0abc123\n  protocol: HTTP\n  port: 5000\n  targetType: instance\n  healtCheck: { path: /ping }\n',
  'apiVersion: ecs-reconciler/v1\nkind: Listener\nmetadata: { name: lsp-http }\nspec:\n  loadBalancer: lsp-alb\n  port: 80\n  protocol: HTTP\n  sslPolcy: ELBSecurityPolicy-2016-08\n  defaultAction:\n    fixedResponse: { statusCode: 404 }\n',
  'apiVersion: ecs-reconciler/v1\nkind: SecurityGroupIngress\nmetadata: { name: lsp-sg }\nspec:\n  groupId: sg-0123456789abcdef0\n  exclusiv: false\n  rules:\n    - { protocol: tcp, port: 443, source: { cidr: 10.0.0.0/16 } }\n',
];
/** each document's typo and the property completion must offer there */
const TYPOS = [
  ['healtCheck', 'healthCheck'],
  ['sslPolcy', 'sslPolicy'],
  ['exclusiv', 'exclusive'],
] as const;

interface Diagnostic {
  range: { start: { line: number; character: number } };
  message: string;
}
interface CompletionItem {
  label: string;
}

/** A proxy that answers nothing: the language server's whole network. */
async function startTrap(): Promise<{ server: Server; url: string; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.writeHead(502).end();
  });
  server.on('connect', (req, socket) => {
    requests.push(`CONNECT ${req.url}`);
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${port}`, requests };
}

describe('yaml-language-server on a three-document file', () => {
  const dir = join(tempDir('lsp'), 'desired');
  const ref = relative(dir, SCHEMA);
  let trap: Awaited<ReturnType<typeof startTrap>>;
  let lsp: LspClient;

  beforeAll(async () => {
    mkdirSync(dir, { recursive: true });
    trap = await startTrap();
    // schemaStore on, as VS Code ships it: its catalog fetch is refused and must not matter
    const settings = { yaml: { validate: true, completion: true, hover: true, schemaStore: { enable: true } }, http: { proxy: trap.url, proxyStrictSSL: false }, '[yaml]': {}, editor: {} };
    lsp = new LspClient(process.execPath, [SERVER, '--stdio'], settings, { PATH: process.env.PATH, HOME: dir, HTTP_PROXY: trap.url, HTTPS_PROXY: trap.url, NO_PROXY: '' });
    await lsp.initialize(pathToFileURL(dir).href);
  }, 15_000);

  afterAll(async () => {
    await lsp?.stop();
    trap?.server.close();
  });

  async function open(name: string, text: string): Promise<{ uri: string; diagnostics: Diagnostic[] }> {
    writeFileSync(join(dir, name), text);
    const uri = pathToFileURL(join(dir, name)).href;
    lsp.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    const published = await lsp.waitForNotification((m) => m.method === 'textDocument/publishDiagnostics' && (m.params as { uri: string }).uri === uri, WAIT_MS);
    return { uri, diagnostics: (published.params as { diagnostics: Diagnostic[] }).diagnostics };
  }

  const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle));

  it('with schemaModeline() in every document: one diagnostic per typo, in each document, and completion in each', async () => {
    const text = joinDocumentsWithModeline(DOCUMENTS, ref);
    expect(text.split('\n').filter((l) => l === schemaModeline(ref))).toHaveLength(3);
    const { uri, diagnostics } = await open('three.yaml', text);
    expect(diagnostics.map((d) => [d.range.start.line, d.message])).toEqual(TYPOS.map(([typo]) => [lineOf(text, typo), `Property ${typo} is not allowed.`]));
    for (const [typo, wanted] of TYPOS) {
      const line = lineOf(text, typo);
      const result = await lsp.request<CompletionItem[] | { items: CompletionItem[] }>('textDocument/completion', {
        textDocument: { uri },
        position: { line, character: (text.split('\n')[line] ?? '').indexOf(typo) },
      });
      const labels = (Array.isArray(result) ? result : result.items).map((i) => i.label);
      expect(labels, `completion at ${typo}`).toContain(wanted);
    }
  }, 20_000);

  it('with one modeline at the top only, documents 2 and 3 are not checked', async () => {
    const text = `${schemaModeline(ref)}\n${DOCUMENTS.join('---\n')}`;
    const { diagnostics } = await open('top-only.yaml', text);
    expect(diagnostics.map((d) => d.message)).toEqual(['Property healtCheck is not allowed.']);
  }, 15_000);

  it('never asked the network for our schemas (the bundle resolves offline); the only requests were the refused schema store catalog', () => {
    expect(trap.requests.filter((r) => !/schemastore\.org/.test(r))).toEqual([]);
    expect(lsp.stderr.join('')).not.toMatch(/ecs-reconciler\.dev/);
  });
});

describe('yaml-language-server with the yaml.schemas glob setting (VS Code) instead of modelines', () => {
  const dir = join(tempDir('lsp-glob'), 'desired');
  let trap: Awaited<ReturnType<typeof startTrap>>;
  let lsp: LspClient;

  beforeAll(async () => {
    mkdirSync(dir, { recursive: true });
    trap = await startTrap();
    const settings = { yaml: { validate: true, schemas: { [SCHEMA]: ['**/desired/*.yaml'] }, schemaStore: { enable: false } }, http: { proxy: trap.url }, '[yaml]': {}, editor: {} };
    lsp = new LspClient(process.execPath, [SERVER, '--stdio'], settings, { PATH: process.env.PATH, HOME: dir, HTTP_PROXY: trap.url, HTTPS_PROXY: trap.url });
    await lsp.initialize(pathToFileURL(dir).href);
  }, 15_000);

  afterAll(async () => {
    await lsp?.stop();
    trap?.server.close();
  });

  it('checks every document of a file without any modeline, and requests nothing at all', async () => {
    const text = DOCUMENTS.join('---\n');
    writeFileSync(join(dir, 'mapped.yaml'), text);
    const uri = pathToFileURL(join(dir, 'mapped.yaml')).href;
    lsp.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    const published = await lsp.waitForNotification((m) => m.method === 'textDocument/publishDiagnostics' && (m.params as { uri: string }).uri === uri, WAIT_MS);
    expect((published.params as { diagnostics: Diagnostic[] }).diagnostics.map((d) => d.message)).toEqual(TYPOS.map(([typo]) => `Property ${typo} is not allowed.`));
    expect(trap.requests).toEqual([]);
  }, 15_000);
});
