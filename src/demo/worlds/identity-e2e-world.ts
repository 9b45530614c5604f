// identity-e2e (seed 003, desired/identity-e2e.yaml): a Flask backend on ECS behind `ecsalb`,
// built by Terraform. World (not managed): a VPC with two public subnets, the ALB's security
// group (HTTP 80 from anywhere), the ALB ecsalb, the ECS cluster identity-e2e-cluster.
// Managed: the target group, the HTTP:80 listener, the service and its task definition.
import type { TestClients } from '../aws-demo-clients.js';
import { awslogs, createListener, createServiceWithTaskDefinition, createTargetGroup, forwardTo } from './managed-building-blocks.js';
import { createAlb, createCluster, createSecurityGroup, createSubnets, createVpc, realId, tcpFrom, type World, type WorldIds } from './world-building-blocks.js';

export const IDENTITY_E2E_PLACEHOLDERS = {
  vpc: 'vpc-04000000000000001',
} as const;

export const IDENTITY_E2E_LOAD_BALANCER = 'ecsalb';

export async function buildIdentityE2eWorld(clients: TestClients): Promise<World> {
  const vpcId = await createVpc(clients, 'identity-e2e-vpc', '10.4.0.0/16');
  const subnets = await createSubnets(clients, vpcId, [
    { name: 'identity-e2e-public-a', cidr: '10.4.1.0/24', az: 'us-east-1a' },
    { name: 'identity-e2e-public-b', cidr: '10.4.2.0/24', az: 'us-east-1b' },
  ]);
  const albSecurityGroup = await createSecurityGroup(clients, vpcId, 'ecsalb-sg', 'HTTP into ecsalb', [tcpFrom(80, { cidr: '0.0.0.0/0' })]);
  await createAlb(clients, IDENTITY_E2E_LOAD_BALANCER, subnets, [albSecurityGroup]);
  await createCluster(clients, 'identity-e2e-cluster');
  return { ids: { [IDENTITY_E2E_PLACEHOLDERS.vpc]: vpcId } };
}

export async function buildIdentityE2eManaged(clients: TestClients, ids: WorldIds): Promise<void> {
  await createTargetGroup(clients, {
    Name: 'identity-e2e-backend-tg',
    VpcId: realId(ids, IDENTITY_E2E_PLACEHOLDERS.vpc),
    Protocol: 'HTTP',
    Port: 5000,
    TargetType: 'instance',
    HealthCheckPath: '/',
    Matcher: { HttpCode: '200' },
  });
  await createListener(clients, IDENTITY_E2E_LOAD_BALANCER, 80, await forwardTo(clients, 'identity-e2e-backend-tg'));
  await createServiceWithTaskDefinition(clients, {
    cluster: 'identity-e2e-cluster',
    serviceName: 'identity-e2e-backend',
    launchType: 'EC2',
    desiredCount: 1,
    taskDefinition: {
      family: 'identity-e2e-backend',
      networkMode: 'bridge',
      taskRoleArn: 'arn:aws:iam::123456789012:role/identity-e2e-backend-task',
      containers: [
        {
          name: 'identity-e2e-backend',
          image: '123456789012.dkr.ecr.eu-west-2.amazonaws.com/identity-e2e-backend:latest',
          essential: true,
          portMappings: [{ containerPort: 5000, hostPort: 0, protocol: 'tcp' }],
          cpu: 256,
          memory: 512,
          logConfiguration: awslogs('/ecs/identity-e2e-backend', 'eu-west-2', 'backend'),
        },
      ],
    },
    loadBalancers: [{ targetGroup: 'identity-e2e-backend-tg', containerName: 'identity-e2e-backend', containerPort: 5000 }],
  });
}
