// storefront (desired/storefront.yaml, the routing example of issue 13; not a seed guide): an
// ALB storefront-alb with an HTTPS listener (a default and two SNI certificates, a 90/10
// weighted canary with group stickiness, a header-routed beta rule) and an NLB storefront-nlb
// with a TCP listener to the database proxies. World (not managed): VPC 10.6.0.0/16 with two
// subnets, the ALB's security group, both load balancers, three ACM certificates.
import type { TestClients } from '../aws-demo-clients.js';
import { CreateLoadBalancerCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { requestEmulatorCertificate } from './acm-certificates.js';
import { createAlb, createSecurityGroup, createSubnets, createVpc, tcpFrom, type World } from './world-building-blocks.js';

const certificate = (tag: string): string => `arn:aws:acm:us-east-1:123456789012:certificate/06000000-0000-0000-0000-0000000000${tag}`;

export const STOREFRONT_PLACEHOLDERS = {
  vpc: 'vpc-06000000000000001',
  albSecurityGroup: 'sg-060000000000000a1',
  /** www.storefront.example: the listener's default certificate */
  certificate: certificate('c1'),
  /** api.storefront.example, admin.storefront.example: SNI */
  apiCertificate: certificate('c2'),
  adminCertificate: certificate('c3'),
} as const;

export async function buildStorefrontWorld(clients: TestClients): Promise<World> {
  const vpcId = await createVpc(clients, 'storefront-vpc', '10.6.0.0/16');
  const subnets = await createSubnets(clients, vpcId, [
    { name: 'storefront-a', cidr: '10.6.1.0/24', az: 'us-east-1a' },
    { name: 'storefront-b', cidr: '10.6.2.0/24', az: 'us-east-1b' },
  ]);
  const sg = await createSecurityGroup(clients, vpcId, 'storefront-alb-sg', 'storefront ALB', [tcpFrom(443, { cidr: '0.0.0.0/0' }, 'HTTPS from anywhere')]);
  await createAlb(clients, 'storefront-alb', subnets, [sg]);
  await clients.elbv2.send(new CreateLoadBalancerCommand({ Name: 'storefront-nlb', Type: 'network', Scheme: 'internal', Subnets: subnets }));
  const [www, api, admin] = await Promise.all(
    ['www.storefront.example', 'api.storefront.example', 'admin.storefront.example'].map((d) => requestEmulatorCertificate(clients.endpoint, d)),
  );
  return {
    ids: {
      [STOREFRONT_PLACEHOLDERS.vpc]: vpcId,
      [STOREFRONT_PLACEHOLDERS.albSecurityGroup]: sg,
      [STOREFRONT_PLACEHOLDERS.certificate]: www!,
      [STOREFRONT_PLACEHOLDERS.apiCertificate]: api!,
      [STOREFRONT_PLACEHOLDERS.adminCertificate]: admin!,
    },
  };
}
