// deploy/github-plan-workflow.yml cannot run here (no GitHub), so this keeps it honest by parts:
// its YAML and permissions, only well-known actions pinned to a major version, the plan flags it
// passes exist in the CLI, its plan step's shell script run against the built CLI (exit code
// captured, the job not failed by `set -e`), and its comment script run twice against a fake
// GitHub API: the second push updates the first comment instead of adding one.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { mkdtemp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CLI_PATH, runCli } from '../support/cli-process.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
interface Workflow {
  on: { pull_request?: { paths?: string[] } } & Record<string, unknown>;
  permissions: Record<string, string>;
  env: Record<string, string>;
  concurrency: { group: string; 'cancel-in-progress': boolean };
  jobs: Record<string, { if?: string; steps: Step[] }>;
}

const workflow = parse(readFileSync(join(root, 'deploy/github-plan-workflow.yml'), 'utf8')) as Workflow;
const steps = workflow.jobs.plan!.steps;
const planStep = steps.find((s) => s.id === 'plan')!;
const commentStep = steps.find((s) => s.uses?.startsWith('actions/github-script@'))!;

const WELL_KNOWN = ['actions/checkout', 'actions/setup-node', 'actions/github-script', 'aws-actions/configure-aws-credentials'];

describe('the pull-request plan workflow', () => {
  it('runs on pull requests only, with the least permissions, never for forks', () => {
    expect(Object.keys(workflow.on)).toEqual(['pull_request']);
    expect(workflow.permissions).toEqual({ contents: 'read', 'id-token': 'write', 'pull-requests': 'write' });
    expect(workflow.jobs.plan!.if).toBe('github.event.pull_request.head.repo.full_name == github.repository');
    expect(workflow.concurrency).toMatchObject({ group: expect.stringContaining('github.event.pull_request.number'), 'cancel-in-progress': true });
  });

  it('uses only well-known actions, each pinned to a major version', () => {
    const used = steps.filter((s) => s.uses !== undefined).map((s) => s.uses!);
    for (const u of used) expect(u).toMatch(/^[\w-]+\/[\w-]+@v\d+$/);
    expect(new Set(used.map((u) => u.split('@')[0]))).toEqual(new Set(WELL_KNOWN));
  });

  it('assumes a role the README and the trust policy describe as read-only', () => {
    const creds = steps.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'))!;
    expect(creds.with).toMatchObject({ 'role-to-assume': '${{ env.AWS_ROLE_ARN }}' });
    expect(workflow.env.AWS_ROLE_ARN).toMatch(/:role\/ecs-reconciler-plan$/);
    const trust = JSON.parse(readFileSync(join(root, 'deploy/github-plan-trust-policy.json'), 'utf8')) as { Statement: { Action: string; Condition: { StringEquals: Record<string, string> } }[] };
    expect(trust.Statement).toHaveLength(1);
    expect(trust.Statement[0]!.Action).toBe('sts:AssumeRoleWithWebIdentity');
    expect(trust.Statement[0]!.Condition.StringEquals['token.actions.githubusercontent.com:sub']).toMatch(/^repo:[^*]+:pull_request$/);
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(readme).toContain('--role-name ecs-reconciler-plan \\\n     --assume-role-policy-document file://deploy/github-plan-trust-policy.json');
    expect(readme).toContain('--policy-document file://deploy/iam-policy-observe.json');
  });

  it('passes plan flags the CLI has', async () => {
    expect(planStep.run).toContain('plan "$DESIRED_DIR" --format markdown --detailed-exitcode');
    expect(existsSync(CLI_PATH), 'dist/cli.js is missing: run npm run build').toBe(true);
    const help = await runCli(['plan', '--help']);
    expect(help.stdout).toMatch(/--format <format>.*\n?.*markdown/);
    expect(help.stdout).toContain('--detailed-exitcode');
  });

  it('its plan step records the exit code and does not fail the job itself', async () => {
    // the built CLI stands in for the checkout of ecs-reconciler; an invalid file fails before AWS
    const work = await mkdtemp(join(tmpdir(), 'gh-plan-'));
    symlinkSync(root, join(work, '.ecs-reconciler'));
    await mkdir(join(work, 'desired'));
    await writeFile(join(work, 'desired/bad.yaml'), 'apiVersion: ecs-reconciler/v1\nkind: TargetGroup\nmetadata: { name: x }\nspec: { port: 80 }\n');
    const output = join(work, 'github-output');
    await writeFile(output, '');
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', GITHUB_OUTPUT: output, DESIRED_DIR: 'desired/', AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' };
    await run('bash', ['-e', '-c', planStep.run!], { cwd: work, env });
    expect(await readFile(output, 'utf8')).toBe('exitcode=1\n');
    expect(await readFile(join(work, 'plan.err'), 'utf8')).toMatch(/desired\/bad\.yaml:\d+:\d+ {2}TargetGroup\/x {2}/);
  });
});

interface Comment {
  id: number;
  body: string;
  user: { type: string };
}

/** The parts of Octokit the script calls, over an in-memory issue. */
function fakeGitHub(comments: Comment[]) {
  const listComments = async () => ({ data: comments });
  return {
    paginate: async (fn: typeof listComments) => (await fn()).data,
    rest: {
      issues: {
        listComments,
        createComment: async ({ body }: { body: string }) => {
          comments.push({ id: comments.length + 1, body, user: { type: 'Bot' } });
        },
        updateComment: async ({ comment_id, body }: { comment_id: number; body: string }) => {
          const c = comments.find((x) => x.id === comment_id);
          if (c === undefined) throw new Error(`no comment ${comment_id}`);
          c.body = body;
        },
      },
    },
  };
}

async function runCommentScript(dir: string, comments: Comment[], sha: string, exitcode: string): Promise<void> {
  const script = String(commentStep.with!.script);
  const context = {
    payload: { pull_request: { head: { sha } } },
    serverUrl: 'https://github.com',
    repo: { owner: 'acme', repo: 'platform-desired' },
    runId: 7,
    issue: { number: 12 },
  };
  const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<void>;
  const previous = { cwd: process.cwd(), code: process.env.EXITCODE };
  process.chdir(dir);
  process.env.EXITCODE = exitcode;
  try {
    await new AsyncFunction('github', 'context', 'require', script)(fakeGitHub(comments), context, createRequire(import.meta.url));
  } finally {
    process.chdir(previous.cwd);
    if (previous.code === undefined) delete process.env.EXITCODE;
    else process.env.EXITCODE = previous.code;
  }
}

describe('the comment script', () => {
  it('creates one comment, then updates it in place on the next push, leaving others alone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gh-comment-'));
    const comments: Comment[] = [{ id: 1, body: 'looks good', user: { type: 'User' } }];
    await writeFile(join(dir, 'plan.md'), '**Plan: 1 to create, 0 to update, 0 to replace, 0 to delete, 0 to tag; 0 drifted.**');
    await runCommentScript(dir, comments, 'a'.repeat(40), '2');
    expect(comments).toHaveLength(2);
    expect(comments[1]!.body.split('\n')[0]).toBe('**Plan: 1 to create, 0 to update, 0 to replace, 0 to delete, 0 to tag; 0 drifted.**');
    expect(comments[1]!.body).toContain('plan of aaaaaaaaaaaa');

    await writeFile(join(dir, 'plan.md'), '**No changes. AWS matches the desired state.**');
    await runCommentScript(dir, comments, 'b'.repeat(40), '0');
    expect(comments).toHaveLength(2);
    expect(comments[0]!.body).toBe('looks good');
    expect(comments[1]!.body).toMatch(/^\*\*No changes\. AWS matches the desired state\.\*\*\n\n<sub>ecs-reconciler plan of bbbbbbbbbbbb/);
    expect(comments[1]!.body).not.toContain('1 to create');
  });

  it('posts the error of a failed plan, fenced, and cuts a comment over GitHub’s limit', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gh-comment-'));
    const comments: Comment[] = [];
    await writeFile(join(dir, 'plan.err'), 'desired/bad.yaml:4:7  TargetGroup/x  missing vpcId ```');
    await runCommentScript(dir, comments, 'c'.repeat(40), '1');
    expect(comments[0]!.body).toMatch(/^\*\*ecs-reconciler plan failed \(exit 1\)\*\*\n\n```text\ndesired\/bad\.yaml:4:7 {2}TargetGroup\/x {2}missing vpcId `\u200b``\n```/);

    await writeFile(join(dir, 'plan.md'), 'x'.repeat(70_000));
    await runCommentScript(dir, comments, 'c'.repeat(40), '2');
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body.length).toBeLessThan(65_536);
    expect(comments[0]!.body).toContain('(truncated: see the job log for the whole plan)');
  });
});
