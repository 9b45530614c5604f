// The DynamoDB table the replicas share (`--lease-table`): one item per target lease and one per
// live replica, under the string key `id`:
//   lease#<target>   owner, version (N, +1 on every write), expiresAt (N, ms since the epoch)
//   replica#<id>     expiresAt (heartbeat)
// Every lease write is a conditional write on the version read (optimistic concurrency), so two
// replicas can never both take or renew the same lease. The table is small (targets + replicas):
// one Scan per tick reads all of it.
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  PutItemCommand,
  ScanCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { paginateScan } from '@aws-sdk/client-dynamodb';

export interface LeaseRow {
  target: string;
  owner: string;
  version: number;
  expiresAt: number;
}

export interface TableSnapshot {
  leases: Map<string, LeaseRow>;
  /** replica id -> heartbeat expiry */
  replicas: Map<string, number>;
}

const LEASE = 'lease#';
const REPLICA = 'replica#';

export class LeaseTable {
  constructor(
    readonly client: DynamoDBClient,
    readonly tableName: string,
  ) {}

  async read(): Promise<TableSnapshot> {
    const leases = new Map<string, LeaseRow>();
    const replicas = new Map<string, number>();
    for await (const page of paginateScan({ client: this.client }, { TableName: this.tableName, ConsistentRead: true })) {
      for (const item of page.Items ?? []) {
        const id = item.id?.S ?? '';
        const expiresAt = Number(item.expiresAt?.N ?? 0);
        if (id.startsWith(LEASE)) {
          const target = id.slice(LEASE.length);
          leases.set(target, { target, owner: item.owner?.S ?? '', version: Number(item.version?.N ?? 0), expiresAt });
        } else if (id.startsWith(REPLICA)) {
          replicas.set(id.slice(REPLICA.length), expiresAt);
        }
      }
    }
    return { leases, replicas };
  }

  async heartbeat(replica: string, expiresAt: number): Promise<void> {
    await this.client.send(new PutItemCommand({ TableName: this.tableName, Item: { id: { S: `${REPLICA}${replica}` }, expiresAt: { N: String(expiresAt) } } }));
  }

  /**
   * Write the lease of `target` as owned by `owner` until `expiresAt`, if its version is still
   * `seenVersion` (0: no item yet). Returns the new version, or undefined when another write won.
   */
  async write(target: string, owner: string, seenVersion: number, expiresAt: number): Promise<number | undefined> {
    const version = seenVersion + 1;
    const item: Record<string, AttributeValue> = {
      id: { S: `${LEASE}${target}` },
      owner: { S: owner },
      version: { N: String(version) },
      expiresAt: { N: String(expiresAt) },
    };
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: item,
          ...(seenVersion === 0
            ? { ConditionExpression: 'attribute_not_exists(id)' }
            : { ConditionExpression: '#v = :seen', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':seen': { N: String(seenVersion) } } }),
        }),
      );
      return version;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException || (error as { name?: string }).name === 'ConditionalCheckFailedException') return undefined;
      throw error;
    }
  }
}
