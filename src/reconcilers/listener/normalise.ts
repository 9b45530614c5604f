// DescribeListeners (+ tags) -> LiveListener.
import type { Listener, Tag } from '@aws-sdk/client-elastic-load-balancing-v2';
import { normaliseActions } from '../shared/action-normalise.js';
import { tagsFromAws } from '../shared/tags-normalise.js';
import type { LiveListener } from '../types.js';

export function normaliseListener(listener: Listener, loadBalancerName: string, tags: Tag[], additionalCertificates?: readonly string[]): LiveListener {
  const certificates = listener.Certificates ?? [];
  const certificate = certificates.find((c) => c.IsDefault === true) ?? certificates[0];
  const out: LiveListener = {
    arn: listener.ListenerArn ?? '',
    loadBalancerArn: listener.LoadBalancerArn ?? '',
    loadBalancerName,
    port: listener.Port ?? 0,
    protocol: listener.Protocol ?? '',
    defaultAction: normaliseActions(listener.DefaultActions),
    tags: tagsFromAws(tags),
  };
  if (certificate?.CertificateArn !== undefined) out.certificateArn = certificate.CertificateArn;
  if (listener.SslPolicy !== undefined && listener.SslPolicy !== '') out.sslPolicy = listener.SslPolicy;
  const alpn = listener.AlpnPolicy?.[0];
  if (alpn !== undefined && alpn !== '') out.alpnPolicy = alpn;
  if (additionalCertificates !== undefined) out.additionalCertificates = [...new Set(additionalCertificates)].sort();
  return out;
}
