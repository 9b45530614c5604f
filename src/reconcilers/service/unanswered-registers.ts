// RegisterTaskDefinition has no client token: every call that reaches ECS makes a new revision.
// A register that got no answer and did not show up within its landing window may still land
// later, so for a while no other register of the same content is sent from this process (the
// daemon's next cycles): they look for it by its content hash instead. After the hold it is
// taken as dropped and registering resumes. Kept per ECS client (one daemon, one account), in
// memory: a new process starts clean.
export const UNANSWERED_REGISTER_HOLD_MS = 5 * 60_000;

const byClient = new WeakMap<object, Map<string, number>>();

function keyOf(family: string, hash: string): string {
  return `${family}\n${hash}`;
}

/** Remember that a register of `family` with content `hash` was sent at `sentAt` and got no answer. */
export function noteUnansweredRegister(client: object, family: string, hash: string, sentAt: number): void {
  let entries = byClient.get(client);
  if (entries === undefined) {
    entries = new Map();
    byClient.set(client, entries);
  }
  entries.set(keyOf(family, hash), sentAt);
}

/** When an unanswered register of this content is still within its hold: the time it was sent. */
export function unansweredRegisterSince(client: object, family: string, hash: string, now = Date.now()): number | undefined {
  const entries = byClient.get(client);
  const key = keyOf(family, hash);
  const sentAt = entries?.get(key);
  if (sentAt === undefined) return undefined;
  if (now - sentAt >= UNANSWERED_REGISTER_HOLD_MS) {
    entries?.delete(key);
    return undefined;
  }
  return sentAt;
}

/** The revision was found: nothing is pending for this content any more. */
export function clearUnansweredRegister(client: object, family: string, hash: string): void {
  byClient.get(client)?.delete(keyOf(family, hash));
}
