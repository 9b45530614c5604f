// The five seed systems in one table: desired file, world builder, hand-made managed builder.
// Loop over SEED_SYSTEMS (it.each) to run the same test against every system.
import { fileURLToPath } from 'node:url';
import type { TestClients } from '../aws-demo-clients.js';
import { buildChronousPaymentsManaged, buildChronousPaymentsWorld } from './chronous-payments-world.js';
import { buildDoctoManaged, buildDoctoWorld } from './docto-world.js';
import { buildFlaskReactManaged, buildFlaskReactWorld, FLASK_REACT_ADOPTED } from './flask-react-world.js';
import { buildIdentityE2eManaged, buildIdentityE2eWorld } from './identity-e2e-world.js';
import { buildImsManaged, buildImsWorld } from './ims-world.js';
import { buildSelfWorld } from './self-world.js';
import { buildOrdersWorkerWorld } from './orders-worker-world.js';
import { buildStorefrontWorld } from './storefront-world.js';
import type { World, WorldIds } from './world-building-blocks.js';

export type { World, WorldIds } from './world-building-blocks.js';
export { renderDesired, replacePlaceholders } from './render-desired.js';

/** the repository's desired/ directory */
export const DESIRED_DIR = fileURLToPath(new URL('../../../desired/', import.meta.url));

export type SeedSystemName = 'ims' | 'flask-react' | 'chronous-payments' | 'identity-e2e' | 'docto';

export interface SeedSystem {
  name: SeedSystemName;
  /** the guide in ../shared/seeds, e.g. 000 */
  seed: string;
  /** absolute path of desired/<name>.yaml */
  desiredFile: string;
  /** creates what the desired file refers to but does not manage; returns placeholder -> real id */
  buildWorld(clients: TestClients): Promise<World>;
  /** creates the managed resources by hand, exactly as the desired file declares them */
  buildManaged(clients: TestClients, ids: WorldIds): Promise<void>;
  /** declared resources the world already holds: adopted on the first apply, not created */
  adopted: readonly { kind: string; name: string }[];
}

const system = (
  name: SeedSystemName,
  seed: string,
  buildWorld: SeedSystem['buildWorld'],
  buildManaged: SeedSystem['buildManaged'],
  adopted: SeedSystem['adopted'] = [],
): SeedSystem => ({ name, seed, desiredFile: `${DESIRED_DIR}${name}.yaml`, buildWorld, buildManaged, adopted });

export const SEED_SYSTEMS: readonly SeedSystem[] = [
  system('ims', '000', buildImsWorld, buildImsManaged),
  system('flask-react', '001', buildFlaskReactWorld, buildFlaskReactManaged, FLASK_REACT_ADOPTED),
  system('chronous-payments', '002', buildChronousPaymentsWorld, buildChronousPaymentsManaged),
  system('identity-e2e', '003', buildIdentityE2eWorld, buildIdentityE2eManaged),
  system('docto', '004', buildDoctoWorld, buildDoctoManaged),
];

export function seedSystem(name: SeedSystemName): SeedSystem {
  const found = SEED_SYSTEMS.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no seed system ${name}`);
  return found;
}

/** Builds every system's world into one emulator (their names never collide); merged ids. */
export async function buildAllWorlds(clients: TestClients): Promise<WorldIds> {
  const ids: WorldIds = {};
  for (const each of SEED_SYSTEMS) Object.assign(ids, (await each.buildWorld(clients)).ids);
  return ids;
}

/** desired/storefront.yaml: the routing example (issue 13), not a seed system (no guide, no import test). */
export const STOREFRONT_FILE = `${DESIRED_DIR}storefront.yaml`;
export { buildStorefrontWorld };

/** Everything the whole desired/ directory refers to: the five seed worlds, the routing example, the controller's own and orders-worker's. */
export async function buildDesiredDirWorld(clients: TestClients): Promise<WorldIds> {
  const ids = await buildAllWorlds(clients);
  return { ...ids, ...(await buildStorefrontWorld(clients)).ids, ...(await buildSelfWorld(clients)).ids, ...(await buildOrdersWorkerWorld(clients)).ids };
}
