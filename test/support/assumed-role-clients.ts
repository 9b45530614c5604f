// SDK clients in another moto account: AssumeRole of a role in that account (moto accepts any
// role and keeps the resources of each assumed account apart), then ECS, ELBv2 and EC2 clients
// with the session's credentials. What a test uses to build and inspect one target's account.
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { EC2Client, DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { TEST_CREDENTIALS, TEST_REGION, type TestClients } from '../../src/demo/aws-demo-clients.js';

export const roleIn = (account: string): string => `arn:aws:iam::${account}:role/ecs-reconciler`;

export async function assumedRoleClients(endpoint: string, account: string, region = TEST_REGION): Promise<TestClients> {
  const sts = new STSClient({ endpoint, region, credentials: { ...TEST_CREDENTIALS } });
  const { Credentials: c } = await sts.send(new AssumeRoleCommand({ RoleArn: roleIn(account), RoleSessionName: 'test' }));
  sts.destroy();
  const config = {
    endpoint,
    region,
    credentials: { accessKeyId: c?.AccessKeyId ?? '', secretAccessKey: c?.SecretAccessKey ?? '', ...(c?.SessionToken ? { sessionToken: c.SessionToken } : {}) },
  };
  const ecs = new ECSClient(config);
  const elbv2 = new ElasticLoadBalancingV2Client(config);
  const ec2 = new EC2Client(config);
  return { ecs, elbv2, ec2, endpoint, destroy: () => [ecs, elbv2, ec2].forEach((x) => x.destroy()) };
}

/** The account's default VPC (moto makes one per account and region). */
export async function defaultVpc(clients: TestClients): Promise<string> {
  const { Vpcs } = await clients.ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }));
  const id = Vpcs?.[0]?.VpcId;
  if (!id) throw new Error('no default VPC');
  return id;
}
