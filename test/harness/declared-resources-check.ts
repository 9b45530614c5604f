// Reads a desired file as plain YAML (no controller code) and checks, with plain SDK describes,
// that what a world holds matches it: which declared resources exist, and whether each one has
// the declared values. The worlds test uses it to keep buildManaged() and desired/*.yaml equal.
import { readFile } from 'node:fs/promises';
import { DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import {
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
  type Action,
  type Listener,
  type TargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { parseAllDocuments } from 'yaml';
import type { TestClients } from '../../src/demo/aws-demo-clients.js';
import { checkService } from './declared-service-check.js';
import { replacePlaceholders, type WorldIds } from '../../src/demo/worlds/seed-systems.js';

/** One document of a desired file; `spec` is raw YAML, untyped on purpose. */
export interface DeclaredDocument {
  kind: string;
  name: string;
  spec: any;
}

/** The documents of a desired file, placeholders replaced by `ids`. */
export async function declaredDocuments(file: string, ids: WorldIds): Promise<DeclaredDocument[]> {
  const text = replacePlaceholders(await readFile(file, 'utf8'), ids, file);
  return parseAllDocuments(text).map((document) => {
    const value = document.toJS() as { kind: string; metadata: { name: string }; spec: unknown };
    return { kind: value.kind, name: value.metadata.name, spec: value.spec };
  });
}

async function targetGroup(clients: TestClients, name: string): Promise<TargetGroup | undefined> {
  try {
    return (await clients.elbv2.send(new DescribeTargetGroupsCommand({ Names: [name] }))).TargetGroups?.[0];
  } catch (error) {
    if ((error as Error).name === 'TargetGroupNotFoundException') return undefined;
    throw error;
  }
}

async function listener(clients: TestClients, ref: { loadBalancer: string; port: number }): Promise<Listener | undefined> {
  const lbs = await clients.elbv2.send(new DescribeLoadBalancersCommand({ Names: [ref.loadBalancer] }));
  const listeners = await clients.elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: lbs.LoadBalancers![0]!.LoadBalancerArn! }));
  return listeners.Listeners?.find((candidate) => candidate.Port === ref.port);
}

async function targetGroupName(clients: TestClients, arn: string | undefined): Promise<string | undefined> {
  if (!arn) return undefined;
  const { TargetGroups } = await clients.elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [arn] }));
  return TargetGroups?.[0]?.TargetGroupName;
}

/** Declared action vs live action, as a list of differences. */
async function compareAction(clients: TestClients, where: string, declared: any, live: Action | undefined): Promise<string[]> {
  if (declared.forward) {
    const arn = live?.TargetGroupArn ?? live?.ForwardConfig?.TargetGroups?.[0]?.TargetGroupArn;
    const name = await targetGroupName(clients, arn);
    return name === declared.forward.targetGroup ? [] : [`${where}: forwards to ${name}, declared ${declared.forward.targetGroup}`];
  }
  const fixed = declared.fixedResponse;
  const config = live?.FixedResponseConfig;
  const same =
    config?.StatusCode === String(fixed.statusCode) && config.ContentType === fixed.contentType && config.MessageBody === fixed.messageBody;
  return same ? [] : [`${where}: fixed response ${JSON.stringify(config)}, declared ${JSON.stringify(fixed)}`];
}

const HEALTH_CHECK_FIELDS: Record<string, (tg: TargetGroup) => unknown> = {
  path: (tg) => tg.HealthCheckPath,
  protocol: (tg) => tg.HealthCheckProtocol,
  port: (tg) => tg.HealthCheckPort,
  intervalSeconds: (tg) => tg.HealthCheckIntervalSeconds,
  timeoutSeconds: (tg) => tg.HealthCheckTimeoutSeconds,
  healthyThreshold: (tg) => tg.HealthyThresholdCount,
  unhealthyThreshold: (tg) => tg.UnhealthyThresholdCount,
  matcher: (tg) => tg.Matcher?.HttpCode,
};

async function checkTargetGroup(clients: TestClients, doc: DeclaredDocument, tg: TargetGroup): Promise<string[]> {
  const where = `TargetGroup/${doc.name}`;
  const problems: string[] = [];
  const expect = (field: string, live: unknown, declared: unknown) => {
    if (declared !== undefined && String(live) !== String(declared)) problems.push(`${where}: ${field} is ${String(live)}, declared ${String(declared)}`);
  };
  expect('vpcId', tg.VpcId, doc.spec.vpcId);
  expect('protocol', tg.Protocol, doc.spec.protocol);
  expect('port', tg.Port, doc.spec.port);
  expect('targetType', tg.TargetType, doc.spec.targetType ?? 'instance');
  for (const [field, value] of Object.entries(doc.spec.healthCheck ?? {})) expect(`healthCheck.${field}`, HEALTH_CHECK_FIELDS[field]!(tg), value);
  if (doc.spec.tags) {
    const { TagDescriptions } = await clients.elbv2.send(new DescribeTagsCommand({ ResourceArns: [tg.TargetGroupArn!] }));
    const live = Object.fromEntries((TagDescriptions?.[0]?.Tags ?? []).map((tag) => [tag.Key, tag.Value]));
    for (const [key, value] of Object.entries(doc.spec.tags)) expect(`tags.${key}`, live[key], value);
  }
  return problems;
}

async function checkRule(clients: TestClients, doc: DeclaredDocument): Promise<string[] | undefined> {
  const live = await listener(clients, doc.spec.listener);
  if (!live) return undefined;
  const { Rules } = await clients.elbv2.send(new DescribeRulesCommand({ ListenerArn: live.ListenerArn! }));
  const rule = Rules?.find((candidate) => candidate.Priority === String(doc.spec.priority));
  if (!rule) return undefined;
  const where = `ListenerRule/${doc.name}`;
  const condition = rule.Conditions?.find((candidate) => candidate.Field === 'path-pattern');
  const paths = [...(condition?.PathPatternConfig?.Values ?? condition?.Values ?? [])].sort();
  const declaredPaths = [...(doc.spec.conditions.pathPatterns ?? [])].sort();
  const problems = JSON.stringify(paths) === JSON.stringify(declaredPaths) ? [] : [`${where}: paths ${paths.join(' ')}, declared ${declaredPaths.join(' ')}`];
  return [...problems, ...(await compareAction(clients, where, doc.spec.action, rule.Actions?.[0]))];
}

/** Missing declared ingress rules (protocol, port, source and description must all match). */
async function checkIngress(clients: TestClients, doc: DeclaredDocument): Promise<{ missing: string[]; present: number }> {
  const { SecurityGroups } = await clients.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [doc.spec.groupId] }));
  const live = (SecurityGroups?.[0]?.IpPermissions ?? []).flatMap((permission) => [
    ...(permission.IpRanges ?? []).map((range) => ({ permission, source: range.CidrIp, description: range.Description })),
    ...(permission.UserIdGroupPairs ?? []).map((pair) => ({ permission, source: pair.GroupId, description: pair.Description })),
  ]);
  const missing: string[] = [];
  for (const rule of doc.spec.rules) {
    const source = rule.source.cidr ?? rule.source.securityGroup;
    const found = live.find(
      (candidate) =>
        candidate.permission.IpProtocol === rule.protocol &&
        candidate.permission.FromPort === (rule.port ?? rule.fromPort) &&
        candidate.permission.ToPort === (rule.port ?? rule.toPort) &&
        candidate.source === source &&
        candidate.description === rule.description,
    );
    if (!found) missing.push(`SecurityGroupIngress/${doc.name}: no ${rule.protocol}/${rule.port} from ${source} "${rule.description}"`);
  }
  return { missing, present: doc.spec.rules.length - missing.length };
}

/**
 * What differs between the declared documents and the emulator, one line per difference:
 * `Kind/name: missing` or `Kind/name: field is X, declared Y`. Empty when the world matches.
 */
export async function differences(clients: TestClients, docs: DeclaredDocument[]): Promise<string[]> {
  const problems: string[] = [];
  for (const doc of docs) {
    const id = `${doc.kind}/${doc.name}`;
    if (doc.kind === 'TargetGroup') {
      const tg = await targetGroup(clients, doc.name);
      problems.push(...(tg ? await checkTargetGroup(clients, doc, tg) : [`${id}: missing`]));
    } else if (doc.kind === 'Listener') {
      const live = await listener(clients, doc.spec);
      if (!live) problems.push(`${id}: missing`);
      else problems.push(...(await compareAction(clients, id, doc.spec.defaultAction, live.DefaultActions?.[0])));
    } else if (doc.kind === 'ListenerRule') {
      problems.push(...((await checkRule(clients, doc)) ?? [`${id}: missing`]));
    } else if (doc.kind === 'SecurityGroupIngress') {
      problems.push(...(await checkIngress(clients, doc)).missing);
    } else if (doc.kind === 'Service') {
      problems.push(...((await checkService(clients, doc)) ?? [`${id}: missing`]));
    } else {
      problems.push(`${id}: unknown kind`);
    }
  }
  return problems;
}

/** `Kind/name` of every declared resource (or any declared ingress rule) that already exists. */
export async function existingDeclared(clients: TestClients, docs: DeclaredDocument[]): Promise<string[]> {
  const found: string[] = [];
  for (const doc of docs) {
    const exists =
      doc.kind === 'TargetGroup'
        ? (await targetGroup(clients, doc.name)) !== undefined
        : doc.kind === 'Listener'
          ? (await listener(clients, doc.spec)) !== undefined
          : doc.kind === 'ListenerRule'
            ? (await checkRule(clients, doc)) !== undefined
            : doc.kind === 'SecurityGroupIngress'
              ? (await checkIngress(clients, doc)).present > 0
              : (await checkService(clients, doc)) !== undefined;
    if (exists) found.push(`${doc.kind}/${doc.name}`);
  }
  return found;
}
