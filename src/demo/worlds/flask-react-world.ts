// flask-react (seed 001, desired/flask-react.yaml): ECS (EC2 launch type) behind flask-react-alb.
// World (not managed): the default VPC; flask-react-security-group (its ingress is managed);
// what the ALB wizard made in one go: the ALB, flask-react-client-tg (port 80, path /) and the
// HTTP:80 listener forwarding to it; the ECS cluster flask-react-cluster.
// flask-react-client-tg is declared in the desired file too: the controller adopts it.
// Managed (by hand here): flask-react-users-tg, the /users* rule, the SG ingress, both services.
import type { TestClients } from '../aws-demo-clients.js';
import {
  authorizeIngress,
  awslogs,
  createListener,
  createPathRule,
  createServiceWithTaskDefinition,
  createTargetGroup,
  forwardTo,
} from './managed-building-blocks.js';
import { createAlb, createCluster, createSecurityGroup, defaultVpc, realId, tcpFrom, type World, type WorldIds } from './world-building-blocks.js';

export const FLASK_REACT_PLACEHOLDERS = {
  vpc: 'vpc-02000000000000001',
  securityGroup: 'sg-020000000000000a1',
} as const;

export const FLASK_REACT_LOAD_BALANCER = 'flask-react-alb';
/** made by the ALB wizard (world) and declared in desired/flask-react.yaml (adopted) */
export const FLASK_REACT_ADOPTED = [{ kind: 'TargetGroup', name: 'flask-react-client-tg' }] as const;

export async function buildFlaskReactWorld(clients: TestClients): Promise<World> {
  const { vpcId, subnets } = await defaultVpc(clients);
  const securityGroup = await createSecurityGroup(clients, vpcId, 'flask-react-security-group', 'flask-react ALB and ECS instances');
  await createAlb(clients, FLASK_REACT_LOAD_BALANCER, subnets, [securityGroup]);
  // Step 3 of the wizard, "Configure Routing": target type instance, port 80, path /.
  await createTargetGroup(clients, { Name: 'flask-react-client-tg', VpcId: vpcId, Protocol: 'HTTP', Port: 80, TargetType: 'instance', HealthCheckPath: '/' });
  await createListener(clients, FLASK_REACT_LOAD_BALANCER, 80, await forwardTo(clients, 'flask-react-client-tg'));
  await createCluster(clients, 'flask-react-cluster');
  return { ids: { [FLASK_REACT_PLACEHOLDERS.vpc]: vpcId, [FLASK_REACT_PLACEHOLDERS.securityGroup]: securityGroup } };
}

export async function buildFlaskReactManaged(clients: TestClients, ids: WorldIds): Promise<void> {
  await createTargetGroup(clients, {
    Name: 'flask-react-users-tg',
    VpcId: realId(ids, FLASK_REACT_PLACEHOLDERS.vpc),
    Protocol: 'HTTP',
    Port: 5000,
    TargetType: 'instance',
    HealthCheckPath: '/ping',
  });
  await createPathRule(
    clients,
    { loadBalancer: FLASK_REACT_LOAD_BALANCER, port: 80 },
    1,
    ['/users*', '/ping', '/auth*', '/doc', '/swagger*'],
    'flask-react-users-tg',
  );
  await authorizeIngress(clients, realId(ids, FLASK_REACT_PLACEHOLDERS.securityGroup), [
    tcpFrom(80, { cidr: '0.0.0.0/0' }, 'HTTP from anywhere'),
    tcpFrom(22, { cidr: '203.0.113.10/32' }, 'SSH from the admin workstation'),
  ]);
  for (const [service, container, image, port] of [
    ['users', 'users', 'test-driven-users', 5000],
    ['client', 'client', 'test-driven-client', 80],
  ] as const) {
    await createServiceWithTaskDefinition(clients, {
      cluster: 'flask-react-cluster',
      serviceName: `flask-react-${service}`,
      launchType: 'EC2',
      desiredCount: 1,
      taskDefinition: {
        family: `flask-react-${service}-td`,
        networkMode: 'bridge',
        containers: [
          {
            name: container,
            image: `123456789012.dkr.ecr.us-west-1.amazonaws.com/${image}:prod`,
            essential: true,
            portMappings: [{ containerPort: port, hostPort: 0, protocol: 'tcp' }],
            memory: 300,
            logConfiguration: awslogs(`flask-react-${service}-log`, 'us-west-1', 'prod'),
          },
        ],
      },
      loadBalancers: [{ targetGroup: service === 'users' ? 'flask-react-users-tg' : 'flask-react-client-tg', containerName: container, containerPort: port }],
    });
  }
}
