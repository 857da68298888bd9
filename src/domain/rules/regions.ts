/**
 * The regions that exist, and the partition of each, from the AWS SDK's own partition data (the
 * partitions.js of @aws-sdk/core, the table the SDKs resolve endpoints from), never from a list
 * kept here: a region AWS adds reaches partnerplane with the SDK that knows it. An ARN is written in
 * the partition of its region (`aws`, `aws-cn`, `aws-us-gov`, …).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

interface PartitionData {
  id: string;
  outputs: { name: string };
  regionRegex: string;
  regions: Record<string, { description?: string }>;
}

/**
 * The SDK exports this table only inside its endpoint resolver, whose import costs 190 ms of start;
 * its data file is read instead, once, at load (static data of a pinned dependency, not I/O of the
 * service). A test holds the file to the shape read here.
 */
function readPartitions(): PartitionData[] {
  const manifest = createRequire(import.meta.url).resolve('@aws-sdk/core/package.json');
  const text = readFileSync(path.join(path.dirname(manifest), 'dist-es/submodules/client/util-endpoints/lib/aws/partitions.js'), 'utf8');
  return (JSON.parse(text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1)) as { partitions: PartitionData[] }).partitions;
}

/**
 * Region name → partition name. A partition lists its regions by name, and also pseudo-regions for
 * its global endpoints (`aws-global`); only names of the partition's region form are regions.
 */
const PARTITION_OF_REGION: ReadonlyMap<string, string> = new Map(
  readPartitions().flatMap((partition) => {
    const regionForm = new RegExp(partition.regionRegex);
    return Object.keys(partition.regions)
      .filter((region) => regionForm.test(region))
      .map((region) => [region, partition.outputs.name] as const);
  }),
);

/** The partition of a region (`aws`, `aws-cn`, `aws-us-gov`, …), or undefined when no partition has it. */
export const partitionOf = (region: string): string | undefined => PARTITION_OF_REGION.get(region);

/** The partition to write an ARN of this region in; every region the service admits (auth/sigv4.ts) has one. */
export function arnPartition(region: string): string {
  const partition = partitionOf(region);
  if (partition === undefined) throw new Error(`${region} is not a region of any AWS partition`);
  return partition;
}
