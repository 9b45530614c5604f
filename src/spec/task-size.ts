// Task-level cpu / memory: parsing the accepted spellings and the valid Fargate combinations.

/** "256" | 256 | "0.25 vCPU" -> CPU units (1 vCPU = 1024). */
export function taskCpuUnits(raw: string | number | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw === 'number') return raw;
  const vcpu = /^([0-9]+(?:\.[0-9]+)?) ?vcpu$/i.exec(raw.trim());
  return vcpu ? Math.round(Number(vcpu[1]) * 1024) : Number(raw);
}

/** "512" | 512 | "2 GB" -> MiB (1 GB = 1024). */
export function taskMemoryMiB(raw: string | number | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw === 'number') return raw;
  const gb = /^([0-9]+(?:\.[0-9]+)?) ?gb$/i.exec(raw.trim());
  return gb ? Math.round(Number(gb[1]) * 1024) : Number(raw);
}

interface FargateSize {
  cpu: number;
  memory: number[];
}

const range = (from: number, to: number, step: number): number[] =>
  Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step);

/** AWS Fargate (Linux) task sizes: cpu units -> allowed memory in MiB. */
export const FARGATE_SIZES: readonly FargateSize[] = [
  { cpu: 256, memory: [512, 1024, 2048] },
  { cpu: 512, memory: range(1024, 4096, 1024) },
  { cpu: 1024, memory: range(2048, 8192, 1024) },
  { cpu: 2048, memory: range(4096, 16384, 1024) },
  { cpu: 4096, memory: range(8192, 30720, 1024) },
  { cpu: 8192, memory: range(16384, 61440, 4096) },
  { cpu: 16384, memory: range(32768, 122880, 8192) },
];

/** undefined when valid; otherwise what to change. */
export function fargateSizeProblem(cpu: number, memory: number): string | undefined {
  const size = FARGATE_SIZES.find((s) => s.cpu === cpu);
  if (size === undefined) {
    return `FARGATE task cpu ${cpu} is not a Fargate size: use one of ${FARGATE_SIZES.map((s) => s.cpu).join(', ')}`;
  }
  if (size.memory.includes(memory)) return undefined;
  const first = size.memory[0]!;
  const last = size.memory[size.memory.length - 1]!;
  const step = size.memory.length > 1 ? size.memory[1]! - first : 0;
  const allowed = size.memory.length <= 3 ? size.memory.join(', ') : `${first} to ${last} in steps of ${step}`;
  return `FARGATE task cpu ${cpu} allows memory ${allowed} (MiB), not ${memory}`;
}
