// Real AWS SDK clients for tests, pointed at an emulator (moto) or at the fault proxy.
// Fake static credentials, region us-east-1: nothing here can reach a real AWS account.
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';

export const TEST_REGION = 'us-east-1';
export const TEST_ACCOUNT_ID = '123456789012';
export const TEST_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' } as const;

export interface TestClients {
  ecs: ECSClient;
  elbv2: ElasticLoadBalancingV2Client;
  ec2: EC2Client;
  /** the endpoint every client sends to */
  endpoint: string;
  /** closes the clients' keep-alive sockets */
  destroy(): void;
}

export interface TestClientOptions {
  /** SDK attempts per call, first try included (SDK default 3). Use 1 to see every fault. */
  maxAttempts?: number;
}

/** One ECS, ELBv2 and EC2 client, all sending to `endpoint` (e.g. inject('motoUrl')). */
export function createTestClients(endpoint: string, options: TestClientOptions = {}): TestClients {
  const config = {
    endpoint,
    region: TEST_REGION,
    credentials: { ...TEST_CREDENTIALS },
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
  };
  const ecs = new ECSClient(config);
  const elbv2 = new ElasticLoadBalancingV2Client(config);
  const ec2 = new EC2Client(config);
  return {
    ecs,
    elbv2,
    ec2,
    endpoint,
    destroy() {
      ecs.destroy();
      elbv2.destroy();
      ec2.destroy();
    },
  };
}
