// Checks across documents that a JSON Schema cannot express: identity, references, ignore paths,
// reserved tags. Per-kind AWS constraints live in cross-checks-<area>.ts; runCrossChecks runs all.
import type { Kind, SpecError } from './types.js';
import type { ValidDoc } from './raw-types.js';
import { SPEC_ERROR_CODES as C, nearestName } from './spec-errors.js';
import { docError, docsOf, groupBy, namePosition, where } from './check-error.js';
import type { IdentifiedDoc } from './check-error.js';
import { isKnownSpecPath, knownSpecPaths } from './ignore-paths.js';
import { checkForwards, checkListenerRules, checkRuleActionChains, checkListeners, checkTargetGroups, forwardTargetGroupRefs } from './cross-checks-routing.js';
import { checkNetworkRouting } from './cross-checks-nlb.js';
import { ruleActions } from './rule-actions.js';
import { checkSecurityGroupIngress } from './cross-checks-security-group.js';
import { checkServices } from './cross-checks-service.js';
import { checkScalableTargets } from './cross-checks-scalable-target.js';
import { checkImageSources } from './cross-checks-image-source.js';

/**
 * All cross-document checks. `identified` holds every document whose kind and name are known
 * (even with spec errors) so that a broken TargetGroup does not also show up as a dangling
 * reference; `valid` holds the documents that passed their schema.
 */
export function runCrossChecks(valid: readonly ValidDoc[], identified: readonly IdentifiedDoc[]): SpecError[] {
  return [
    ...checkDuplicateIdentities(identified),
    ...checkTargetGroupReferences(valid, identified),
    ...checkIgnorePaths(valid),
    ...checkAllowReplace(valid),
    ...checkReservedTags(valid),
    ...checkTargetGroups(docsOf(valid, 'TargetGroup')),
    ...checkListeners(docsOf(valid, 'Listener')),
    ...checkListenerRules(docsOf(valid, 'ListenerRule')),
    ...checkForwards(docsOf(valid, 'Listener'), docsOf(valid, 'ListenerRule'), docsOf(valid, 'TargetGroup')),
    ...checkNetworkRouting(docsOf(valid, 'Listener'), docsOf(valid, 'ListenerRule'), docsOf(valid, 'TargetGroup')),
    ...checkRuleActionChains(docsOf(valid, 'Listener'), docsOf(valid, 'ListenerRule')),
    ...checkSecurityGroupIngress(docsOf(valid, 'SecurityGroupIngress')),
    ...checkServices(docsOf(valid, 'Service'), docsOf(valid, 'TargetGroup')),
    ...checkScalableTargets(docsOf(valid, 'ScalableTarget'), identified),
    ...checkImageSources(docsOf(valid, 'Service')),
  ];
}

export function checkDuplicateIdentities(identified: readonly IdentifiedDoc[]): SpecError[] {
  const out: SpecError[] = [];
  for (const [id, docs] of groupBy(identified, (d) => d.id)) {
    const first = docs[0]!;
    for (const dup of docs.slice(1)) {
      out.push(
        docError(dup, ['metadata', 'name'], C.duplicateResource,
          `${id} is already declared at ${where(namePosition(first))}: kind + metadata.name must be unique; rename or remove one of them`),
      );
    }
  }
  return out;
}

/** Every place a document names a TargetGroup: [doc, path, reference]. */
function targetGroupUses(valid: readonly ValidDoc[]): { doc: ValidDoc; path: (string | number)[]; ref: string }[] {
  const uses: { doc: ValidDoc; path: (string | number)[]; ref: string }[] = [];
  for (const doc of valid) {
    if (doc.kind === 'Listener' || doc.kind === 'ListenerRule') {
      const { at, terminal } = doc.kind === 'Listener' ? { at: ['defaultAction'], terminal: doc.spec.defaultAction } : ruleActions(doc.spec);
      for (const use of forwardTargetGroupRefs(terminal.forward)) uses.push({ doc, path: ['spec', ...at, 'forward', ...use.path], ref: use.ref });
    } else if (doc.kind === 'ScalableTarget') {
      (doc.spec.scalingPolicies ?? []).forEach((p, i) => {
        const ref = p.targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification.targetGroup;
        if (ref !== undefined) {
          uses.push({ doc, path: ['spec', 'scalingPolicies', i, 'targetTrackingScalingPolicyConfiguration', 'predefinedMetricSpecification', 'targetGroup'], ref });
        }
      });
    } else if (doc.kind === 'Service') {
      (doc.spec.loadBalancers ?? []).forEach((lb, i) => uses.push({ doc, path: ['spec', 'loadBalancers', i, 'targetGroup'], ref: lb.targetGroup }));
    }
  }
  return uses;
}

export function checkTargetGroupReferences(valid: readonly ValidDoc[], identified: readonly IdentifiedDoc[]): SpecError[] {
  const declared = new Set(identified.filter((d) => d.kind === 'TargetGroup').map((d) => d.name));
  const out: SpecError[] = [];
  for (const { doc, path, ref } of targetGroupUses(valid)) {
    if (ref.startsWith('arn:') || declared.has(ref)) continue;
    const near = nearestName(ref, declared);
    const hint = near !== undefined ? `did you mean '${near}'? Otherwise ` : '';
    out.push(
      docError(doc, path, C.targetGroupRef,
        `TargetGroup '${ref}' is not declared in any file: ${hint}add a TargetGroup document named '${ref}' or give the ARN of an existing target group`),
    );
  }
  return out;
}

export function checkIgnorePaths(valid: readonly ValidDoc[]): SpecError[] {
  const out: SpecError[] = [];
  for (const doc of valid) {
    (doc.metadata.ignore ?? []).forEach((path, i) => {
      if (isKnownSpecPath(doc.kind as Kind, path)) return;
      const near = nearestName(path, knownSpecPaths(doc.kind as Kind));
      const hint = near !== undefined ? `; did you mean '${near}'?` : `; ${doc.kind} fields are ${topFields(doc.kind as Kind)}`;
      out.push(docError(doc, ['metadata', 'ignore', i], C.ignorePath, `ignore path '${path}' names no field of a ${doc.kind} spec${hint}`));
    });
  }
  return out;
}

/** metadata.allowReplace means something only on a Service (the one kind replaced on request). */
export function checkAllowReplace(valid: readonly ValidDoc[]): SpecError[] {
  return valid
    .filter((doc) => doc.kind !== 'Service' && doc.metadata.allowReplace !== undefined)
    .map((doc) =>
      docError(doc, ['metadata', 'allowReplace'], C.allowReplace,
        `metadata.allowReplace applies only to a Service (a ${doc.kind} ${doc.kind === 'TargetGroup' ? 'is replaced when it must be, without asking' : 'is never replaced'}): remove it`, 'key'),
    );
}

function topFields(kind: Kind): string {
  return knownSpecPaths(kind).filter((p) => !p.includes('.')).join(', ');
}

const RESERVED_TAG_PREFIXES = ['aws:', 'ecs-reconciler/'];

export function checkReservedTags(valid: readonly ValidDoc[]): SpecError[] {
  const out: SpecError[] = [];
  for (const doc of valid) {
    if (doc.kind !== 'TargetGroup' && doc.kind !== 'Service') continue;
    for (const key of Object.keys(doc.spec.tags ?? {})) {
      const prefix = RESERVED_TAG_PREFIXES.find((p) => key.toLowerCase().startsWith(p));
      if (prefix === undefined) continue;
      const who = prefix === 'aws:' ? 'AWS' : 'the controller itself';
      out.push(docError(doc, ['spec', 'tags', key], C.reservedTag, `tag key '${key}' uses the prefix '${prefix}', reserved for ${who}: rename the tag`, 'key'));
    }
  }
  return out;
}
