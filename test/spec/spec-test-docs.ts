// Test helpers: load YAML text in process (no files), and minimal valid documents to vary.
import { parseSpecText } from '../../src/spec/parse-documents.js';
import { fromDocuments } from '../../src/spec/load-desired-state.js';
import type { DesiredState, LoadResult, SpecError } from '../../src/spec/types.js';

/** Loads one or more files given as text: `{ 'a.yaml': '...' }` or one text as `a.yaml`. */
export function loadText(files: string | Record<string, string>): LoadResult {
  const map = typeof files === 'string' ? { 'a.yaml': files } : files;
  const docs = [];
  const errors: SpecError[] = [];
  for (const [file, text] of Object.entries(map)) {
    const parsed = parseSpecText(file, text);
    docs.push(...parsed.docs);
    errors.push(...parsed.errors);
  }
  return fromDocuments(docs, Object.keys(map).sort(), errors);
}

export function expectErrors(result: LoadResult): SpecError[] {
  if (result.ok) throw new Error('expected errors, got a valid state');
  return result.errors;
}

export function expectState(result: LoadResult): DesiredState {
  if (!result.ok) throw new Error(`expected a valid state, got:\n${result.errors.map((e) => `${e.line}:${e.col} ${e.code} ${e.message}`).join('\n')}`);
  return result.state;
}

const HEAD = 'apiVersion: ecs-reconciler/v1\n';

export const targetGroupDoc = (name = 'users-tg', spec = ''): string =>
  `${HEAD}kind: TargetGroup\nmetadata: { name: ${name} }\nspec:\n  vpcId: vpc-0f1a5c0000000001\n  protocol: HTTP\n  port: 5000\n${spec}`;

export const listenerDoc = (name = 'web-http', spec = '  port: 80\n  protocol: HTTP\n', action = '    fixedResponse: { statusCode: 404 }\n'): string =>
  `${HEAD}kind: Listener\nmetadata: { name: ${name} }\nspec:\n  loadBalancer: web-alb\n${spec}  defaultAction:\n${action}`;

export const ruleDoc = (
  name = 'r1',
  { listener = '{ loadBalancer: web-alb, port: 80 }', priority = 100, conditions = '    pathPatterns: ["/users*"]\n', action = '    forward: { targetGroup: users-tg }\n' } = {},
): string =>
  `${HEAD}kind: ListenerRule\nmetadata: { name: ${name} }\nspec:\n  listener: ${listener}\n  priority: ${priority}\n  conditions:\n${conditions}  action:\n${action}`;

export const ingressDoc = (name = 'ing', rules = '    - { protocol: tcp, port: 80, source: { cidr: 10.0.0.0/8 } }\n', extra = ''): string =>
  `${HEAD}kind: SecurityGroupIngress\nmetadata: { name: ${name} }\nspec:\n  groupId: sg-0f1a5c00000000a1\n${extra}  rules:\n${rules}`;

/** An EC2 service with one container `web` mapping port 80; `td` lines go into taskDefinition, `spec` after it. */
export const serviceDoc = (name = 'api', { td = '', container = '', spec = '', top = '' } = {}): string =>
  `${HEAD}kind: Service\nmetadata: { name: ${name} }\nspec:\n  cluster: main\n${top}  taskDefinition:\n    family: ${name}\n${td}    containers:\n      - name: web\n        image: nginx:1.27\n        memory: 256\n        portMappings: [{ containerPort: 80 }]\n${container}${spec}`;

export const join = (...docs: string[]): string => docs.join('---\n');
