// The JSON Schemas themselves: ids, draft, additionalProperties everywhere, and the document
// schema (the one editors use) picking the spec schema by kind.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { SCHEMAS_DIR, SCHEMA_BASE, validateDocument } from '../../src/spec/schema-registry.js';
import { EMBEDDED_SCHEMA_FILES, bundleDocumentSchema, writeBundledDocumentSchema } from '../../src/spec/schema-registry.js';

type Json = Record<string, unknown>;
const files = readdirSync(SCHEMAS_DIR).filter((f) => f.endsWith('.schema.json')).sort();
const load = (f: string): Json => JSON.parse(readFileSync(`${SCHEMAS_DIR}${f}`, 'utf8')) as Json;

/** Every object schema (has `properties`) with its JSON pointer. */
function objectSchemas(node: unknown, pointer = ''): [string, Json][] {
  if (node === null || typeof node !== 'object') return [];
  const out: [string, Json][] = [];
  const obj = node as Json;
  if (obj.properties !== undefined) out.push([pointer, obj]);
  for (const [key, child] of Object.entries(obj)) {
    if (key === 'properties' && typeof child === 'object' && child !== null) {
      for (const [name, sub] of Object.entries(child)) out.push(...objectSchemas(sub, `${pointer}/properties/${name}`));
    } else out.push(...objectSchemas(child, `${pointer}/${key}`));
  }
  return out;
}

describe('schemas/', () => {
  it('holds one schema per kind, the document envelope and the shared definitions', () => {
    expect(files).toEqual([
      'common.schema.json',
      'document.schema.json',
      'listener-rule.schema.json',
      'listener.schema.json',
      'scalable-target.schema.json',
      'security-group-ingress.schema.json',
      'service.schema.json',
      'target-group.schema.json',
    ]);
  });

  it.each(files)('%s: draft 2020-12 and an $id under the schema base', (file) => {
    const schema = load(file);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe(`${SCHEMA_BASE}${file}`);
  });

  it.each(files)('%s: every object schema closes additionalProperties (false, or a schema for maps)', (file) => {
    const open = objectSchemas(load(file)).filter(([, s]) => s.additionalProperties === undefined || s.additionalProperties === true);
    // if/then only pick the spec schema by kind; they define no object of their own
    expect(open.map(([p]) => p).filter((p) => !/\/(if|then)$/.test(p))).toEqual([]);
  });
});

describe('document.schema.json', () => {
  it('embeds the current per-kind files (UPDATE_SCHEMAS=1 rewrites it)', () => {
    if (process.env.UPDATE_SCHEMAS === '1') writeBundledDocumentSchema(SCHEMAS_DIR);
    const bundled = bundleDocumentSchema(load('document.schema.json'), load);
    expect(load('document.schema.json'), 'run UPDATE_SCHEMAS=1 npx vitest run test/spec/schemas.test.ts').toEqual(bundled);
    const defs = load('document.schema.json').$defs as Record<string, Json>;
    expect(Object.keys(defs)).toEqual(Object.keys(EMBEDDED_SCHEMA_FILES));
    for (const [key, file] of Object.entries(EMBEDDED_SCHEMA_FILES)) expect(defs[key]!.$id).toBe(`${SCHEMA_BASE}${file}`);
  });

  it('is self-contained: compiles on its own, every $ref resolved inside the file', () => {
    const ajv = new Ajv2020({ strict: false });
    const validate = ajv.compile(load('document.schema.json'));
    expect(validate({ apiVersion: 'ecs-reconciler/v1', kind: 'TargetGroup', metadata: { name: 'x' }, spec: { vpcId: 'vpc-0a', protocol: 'HTTP', port: 80, tags: { a: 1 } } })).toBe(false);
    expect(validate.errors?.[0]?.instancePath).toBe('/spec/tags/a');
  });

  const doc = (kind: string, spec: unknown): unknown => ({ apiVersion: 'ecs-reconciler/v1', kind, metadata: { name: 'x' }, spec });

  it.each([
    ['TargetGroup', { vpcId: 'vpc-0a', protocol: 'HTTP', port: 80 }],
    ['Listener', { loadBalancer: 'alb', port: 80, protocol: 'HTTP', defaultAction: { fixedResponse: { statusCode: 404 } } }],
    ['ListenerRule', { listener: { loadBalancer: 'alb', port: 80 }, priority: 1, conditions: { pathPatterns: ['/'] }, action: { forward: { targetGroup: 'tg' } } }],
    ['SecurityGroupIngress', { groupId: 'sg-0a', rules: [{ protocol: 'tcp', port: 80, source: { cidr: '10.0.0.0/8' } }] }],
    ['Service', { cluster: 'c', taskDefinition: { family: 'f', containers: [{ name: 'web', image: 'nginx' }] } }],
  ])('accepts a minimal %s', (kind, spec) => {
    expect(validateDocument(doc(kind, spec))).toBe(true);
  });

  it.each([
    ['TargetGroup', { vpcId: 'vpc-0a', protocol: 'HTTP', port: 80, healtCheck: {} }, 'additionalProperties'],
    ['Listener', { vpcId: 'vpc-0a', protocol: 'HTTP', port: 80 }, 'required'],
    ['Service', { cluster: 'c' }, 'required'],
  ])('applies the %s spec schema by kind', (kind, spec, keyword) => {
    expect(validateDocument(doc(kind, spec))).toBe(false);
    expect(validateDocument.errors?.map((e) => e.keyword)).toContain(keyword);
  });

  const rule = (forward: unknown): unknown =>
    doc('ListenerRule', { listener: { loadBalancer: 'alb', port: 80 }, priority: 1, conditions: { pathPatterns: ['/'] }, action: { forward } });
  const groups = (n: number, weight = 1) => Array.from({ length: n }, (_, i) => ({ targetGroup: `tg-${i}`, weight }));

  it.each<[string, unknown, boolean]>([
    ['a single targetGroup', { targetGroup: 'tg' }, true],
    ['weighted targetGroups with stickiness', { targetGroups: groups(2, 50), stickiness: { enabled: true, durationSeconds: 3600 } }, true],
    ['five groups, weights 0 and 999', { targetGroups: [...groups(4, 0), { targetGroup: 'x', weight: 999 }] }, true],
    ['a weight left out (AWS default)', { targetGroups: [{ targetGroup: 'tg' }] }, true],
    ['six groups', { targetGroups: groups(6) }, false],
    ['weight 1000', { targetGroups: groups(1, 1000) }, false],
    ['a negative weight', { targetGroups: groups(1, -1) }, false],
    ['both targetGroup and targetGroups', { targetGroup: 'tg', targetGroups: groups(1) }, false],
    ['stickiness beside a single targetGroup', { targetGroup: 'tg', stickiness: { enabled: false } }, false],
    ['stickiness without enabled', { targetGroups: groups(2), stickiness: { durationSeconds: 60 } }, false],
    ['a stickiness duration over 7 days', { targetGroups: groups(2), stickiness: { enabled: true, durationSeconds: 604801 } }, false],
    ['an empty targetGroups list', { targetGroups: [] }, false],
  ])('forward: %s', (_label, forward, ok) => {
    expect(validateDocument(rule(forward))).toBe(ok);
  });

  const chain = (actions: unknown, extra: Record<string, unknown> = {}): unknown =>
    doc('ListenerRule', { listener: { loadBalancer: 'alb', port: 443 }, priority: 1, conditions: { pathPatterns: ['/'] }, actions, ...extra });
  const oidc = (config: Record<string, unknown> = {}): unknown => ({
    type: 'authenticate-oidc',
    authenticateOidcConfig: {
      issuer: 'https://id.example',
      authorizationEndpoint: 'https://id.example/auth',
      tokenEndpoint: 'https://id.example/token',
      userInfoEndpoint: 'https://id.example/me',
      clientId: 'web',
      clientSecretFrom: { ssmParameter: '/shop/oidc' },
      ...config,
    },
  });
  const cognito = { type: 'authenticate-cognito', authenticateCognitoConfig: { userPoolArn: 'arn:aws:cognito-idp:us-east-2:123456789012:userpool/us-east-2_a', userPoolClientId: 'c', userPoolDomain: 'shop' } };
  const fwd = { forward: { targetGroup: 'tg' } };

  it.each<[string, unknown, boolean]>([
    ['oidc then forward', chain([oidc(), fwd]), true],
    ['cognito then fixedResponse', chain([cognito, { fixedResponse: { statusCode: 200 } }]), true],
    ['every oidc setting', chain([oidc({ scope: 'openid email', sessionCookieName: 'S', sessionTimeout: 60, onUnauthenticatedRequest: 'deny', authenticationRequestExtraParams: { prompt: 'login' } }), fwd]), true],
    ['a literal clientSecret passes the schema (cross-checks explain it)', chain([oidc({ clientSecret: 'x' }), fwd]), true],
    ['both action and actions', chain([oidc(), fwd], { action: fwd }), false],
    ['only one entry', chain([fwd]), false],
    ['no terminal action', chain([oidc(), cognito]), false],
    ['two terminal actions', chain([oidc(), fwd, fwd]), false],
    ['oidc without an issuer', chain([oidc({ issuer: undefined }), fwd].map((a) => JSON.parse(JSON.stringify(a)) as unknown)), false],
    ['an http:// token endpoint', chain([oidc({ tokenEndpoint: 'http://id.example/token' }), fwd]), false],
    ['sessionTimeout over 7 days', chain([oidc({ sessionTimeout: 604801 }), fwd]), false],
    ['onUnauthenticatedRequest not an AWS value', chain([oidc({ onUnauthenticatedRequest: 'login' }), fwd]), false],
    ['clientSecretFrom without a parameter name starting with /', chain([oidc({ clientSecretFrom: { ssmParameter: 'shop' } }), fwd]), false],
    ['an unknown oidc field', chain([oidc({ clientSecretArn: 'x' }), fwd]), false],
    ['a cognito user pool that is not an ARN', chain([{ ...cognito, authenticateCognitoConfig: { ...cognito.authenticateCognitoConfig, userPoolArn: 'pool' } }, fwd]), false],
  ])('actions: %s', (_label, d, ok) => {
    expect(validateDocument(d)).toBe(ok);
  });

  const conditions = (c: unknown): unknown =>
    doc('ListenerRule', { listener: { loadBalancer: 'alb', port: 80 }, priority: 1, conditions: c, action: { forward: { targetGroup: 'tg' } } });

  it.each<[string, unknown, boolean]>([
    ['an http header', { httpHeaders: [{ name: 'X-Canary', values: ['always'] }] }, true],
    ['a query string with and without a key', { queryStrings: [{ key: 'version', value: 'beta' }, { value: 'preview' }] }, true],
    ['a header without values', { httpHeaders: [{ name: 'X-Canary', values: [] }] }, false],
    ['a header name with a space', { httpHeaders: [{ name: 'X Canary', values: ['a'] }] }, false],
    ['a header name over 40 characters', { httpHeaders: [{ name: 'X'.repeat(41), values: ['a'] }] }, false],
    ['a query string without a value', { queryStrings: [{ key: 'version' }] }, false],
    ['a query string with an empty key', { queryStrings: [{ key: '', value: 'beta' }] }, false],
  ])('conditions: %s', (_label, c, ok) => {
    expect(validateDocument(conditions(c))).toBe(ok);
  });

  const https = (extra: Record<string, unknown>): unknown =>
    doc('Listener', { loadBalancer: 'alb', port: 443, protocol: 'HTTPS', certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/a', defaultAction: { fixedResponse: { statusCode: 404 } }, ...extra });
  const cert = (n: number): string => `arn:aws:acm:us-east-1:123456789012:certificate/${n}`;

  it.each<[string, unknown, boolean]>([
    ['two SNI certificates', [cert(1), cert(2)], true],
    ['none', [], true],
    ['an IAM server certificate', ['arn:aws:iam::123456789012:server-certificate/x'], true],
    ['a listed certificate twice', [cert(1), cert(1)], false],
    ['not a certificate ARN', ['example.com'], false],
    ['26 of them', Array.from({ length: 26 }, (_, i) => cert(i)), false],
  ])('additionalCertificates: %s', (_label, additionalCertificates, ok) => {
    expect(validateDocument(https({ additionalCertificates }))).toBe(ok);
  });

  const tgDoc = (extra: Record<string, unknown>): unknown => doc('TargetGroup', { vpcId: 'vpc-0a', protocol: 'HTTP', port: 80, ...extra });
  const lDoc = (extra: Record<string, unknown>): unknown =>
    doc('Listener', { loadBalancer: 'nlb', port: 5432, protocol: 'TCP', defaultAction: { forward: { targetGroup: 'db' } }, ...extra });

  it.each<[string, unknown, boolean]>([
    ['a TCP target group with a TCP health check', tgDoc({ protocol: 'TCP', healthCheck: { protocol: 'TCP' } }), true],
    ['UDP, TCP_UDP and TLS target groups', tgDoc({ protocol: 'TCP_UDP' }), true],
    ['protocolVersion GRPC', tgDoc({ protocolVersion: 'GRPC' }), true],
    ['protocolVersion HTTP3', tgDoc({ protocolVersion: 'HTTP3' }), false],
    ['a GENEVE target group (gateway load balancers are not managed)', tgDoc({ protocol: 'GENEVE' }), false],
    ['a UDP health check', tgDoc({ protocol: 'UDP', healthCheck: { protocol: 'UDP' } }), false],
    ['a TCP listener', lDoc({}), true],
    ['a TLS listener with an ALPN policy', lDoc({ protocol: 'TLS', certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/a', alpnPolicy: 'HTTP2Preferred' }), true],
    ['an unknown ALPN policy', lDoc({ protocol: 'TLS', alpnPolicy: 'HTTP3' }), false],
  ])('network load balancers: %s', (_label, document, ok) => {
    expect(validateDocument(document)).toBe(ok);
  });
});
