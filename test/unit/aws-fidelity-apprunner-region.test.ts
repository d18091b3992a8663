import {
  AppRunnerClient,
  DescribeServiceCommand,
  ListOperationsCommand,
  StartDeploymentCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-apprunner';
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { regionalClients } from '../../src/aws/clients.ts';
import { imagesAdapter } from '../../src/aws/images.ts';
import { serviceStatusAdapter } from '../../src/aws/service-status.ts';
import { servicesAdapter } from '../../src/aws/services.ts';
import type { ServiceRef } from '../../src/sdk/ports/index.ts';

/**
 * App Runner is regional and a service ARN names its region; the API answers for a service only
 * in that region. A `targets.services` App Runner entry without `region:` must therefore be called
 * in the ARN's region, not the bot's default.
 */

const ARN =
  'arn:aws:apprunner:eu-west-1:123456789012:service/duck-api/8fe1e10304f84fd2b0df550fe98a71fa';
const SERVICE: ServiceRef = { type: 'apprunner', serviceArn: ARN };

const apprunner = mockClient(AppRunnerClient);
afterEach(() => apprunner.reset());

const clients = () => ({
  ecs: regionalClients((c) => new ECSClient(c), 'us-east-1'),
  ecr: regionalClients((c) => new ECRClient(c), 'us-east-1'),
  apprunner: regionalClients((c) => new AppRunnerClient(c), 'us-east-1'),
});

const serviceOut = () => ({
  Service: {
    ServiceName: 'duck-api',
    ServiceId: '8fe1e10304f84fd2b0df550fe98a71fa',
    ServiceArn: ARN,
    ServiceUrl: 'abc.eu-west-1.awsapprunner.com',
    CreatedAt: new Date('2025-01-01T00:00:00Z'),
    UpdatedAt: new Date('2025-01-02T00:00:00Z'),
    Status: 'RUNNING',
    SourceConfiguration: {
      ImageRepository: {
        ImageIdentifier: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/duck:1',
        ImageRepositoryType: 'ECR',
      },
      AutoDeploymentsEnabled: false,
      AuthenticationConfiguration: { AccessRoleArn: 'arn:aws:iam::123456789012:role/ecr' },
    },
    InstanceConfiguration: { Cpu: '1024', Memory: '2048' },
    AutoScalingConfigurationSummary: {},
    NetworkConfiguration: {},
  },
  OperationId: 'op-1',
});

function recordRegions() {
  const regions: Record<string, string[]> = {};
  const note = async (name: string, getClient: () => AppRunnerClient) => {
    const r = await getClient().config.region();
    regions[name] = [...(regions[name] ?? []), r];
  };
  apprunner.on(StartDeploymentCommand).callsFake(async (_i, g) => {
    await note('StartDeployment', g as () => AppRunnerClient);
    return { OperationId: 'op-1' };
  });
  apprunner.on(DescribeServiceCommand).callsFake(async (_i, g) => {
    await note('DescribeService', g as () => AppRunnerClient);
    return serviceOut();
  });
  apprunner.on(UpdateServiceCommand).callsFake(async (_i, g) => {
    await note('UpdateService', g as () => AppRunnerClient);
    return serviceOut();
  });
  apprunner.on(ListOperationsCommand).callsFake(async (_i, g) => {
    await note('ListOperations', g as () => AppRunnerClient);
    return {
      OperationSummaryList: [
        {
          Id: 'op-1',
          Type: 'START_DEPLOYMENT',
          Status: 'SUCCEEDED',
          TargetArn: ARN,
          StartedAt: new Date(),
        },
      ],
    };
  });
  return regions;
}

describe('App Runner calls go to the region in the service ARN', () => {
  it('restart: StartDeployment and ListOperations', async () => {
    const regions = recordRegions();
    const services = servicesAdapter(clients());
    await services.startRedeploy(SERVICE);
    await services.rollout(SERVICE, 'op-1');
    expect(regions).toEqual({ StartDeployment: ['eu-west-1'], ListOperations: ['eu-west-1'] });
  });

  it('service-status: DescribeService', async () => {
    const regions = recordRegions();
    const status = await serviceStatusAdapter(clients()).describe(SERVICE);
    expect(status).toMatchObject({ name: 'duck-api', status: 'RUNNING' });
    expect(regions).toEqual({ DescribeService: ['eu-west-1'] });
  });

  it('deploy: DescribeService, UpdateService and ListOperations', async () => {
    const regions = recordRegions();
    const images = imagesAdapter(clients());
    await images.deployImage(SERVICE, '123456789012.dkr.ecr.eu-west-1.amazonaws.com/duck:2');
    await images.deploySince(SERVICE, new Date(0).toISOString());
    expect(regions).toEqual({
      DescribeService: ['eu-west-1'],
      UpdateService: ['eu-west-1'],
      ListOperations: ['eu-west-1'],
    });
  });
});
