// The status page in a real browser: Debian's headless Chromium driven by puppeteer-core, with
// JavaScript off, against `node dist/cli.js run` on moto with STATUS_TOKEN set (the browser
// answers the Basic challenge with the token as the password). A target group applied by the
// CLI, then followed with `policy: observe`: a health-check path changed with the SDK shows on
// the page as a drift within 2 cycles and stays there; the page reloads itself (meta refresh);
// nothing fails in the console. A screenshot is written to test/screenshots/ for review.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateVpcCommand } from '@aws-sdk/client-ec2';
import { DescribeTargetGroupsCommand, ModifyTargetGroupCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClients } from '../../src/demo/aws-demo-clients.js';
import { awsEnv, runCli } from '../support/cli-process.js';
import { motoUrl } from '../support/moto-test-context.js';
import { tempDir } from '../source/git-fixtures.js';
import { DaemonProcess, daemonEnv, waitFor } from './daemon-process.js';

const STATUS_TOKEN = 'status-token-for-the-browser-0005';
const TG = 'page-users-tg';
const SCREENSHOT_DIR = fileURLToPath(new URL('../screenshots/', import.meta.url));

/** CHROMIUM_PATH (when it exists), else the first of Debian's and the usual names on PATH. */
function findChromium(): string | undefined {
  if (process.env.CHROMIUM_PATH) return existsSync(process.env.CHROMIUM_PATH) ? process.env.CHROMIUM_PATH : undefined;
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    try {
      return execFileSync('/bin/sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined;
    } catch {
      // not this one
    }
  }
  return undefined;
}

const chromium = findChromium();
// CI installs chromium (.ci/run): there a missing browser is a failure, not a skip
if (chromium === undefined && process.env.CI === 'true') throw new Error('CI=true but chromium is not installed: .ci/run installs it with apt-get install chromium (or set CHROMIUM_PATH)');
if (chromium === undefined) console.warn('status-page-browser: SKIPPED, chromium not found (apt-get install chromium, or set CHROMIUM_PATH)');

const targetGroupYaml = (vpcId: string, policy: 'enforce' | 'observe'): string => `# yaml-language-server: $schema=../schemas/document.schema.json
apiVersion: ecs-reconciler/v1
kind: TargetGroup
metadata: { name: ${TG}, policy: ${policy} }
spec:
  vpcId: ${vpcId}
  protocol: HTTP
  port: 5000
  targetType: instance
  healthCheck: { path: /ping }
`;

interface Status {
  cycles: number;
  resources: { id: string; state: string }[];
}

describe.skipIf(chromium === undefined)(`the status page in headless Chromium${chromium === undefined ? ' (skipped: chromium not found)' : ''}`, () => {
  let daemon: DaemonProcess;
  let base: string;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const clients = createTestClients(motoUrl());
  const status = async (): Promise<Status> =>
    (await (await fetch(`${base}/status`, { headers: { authorization: `Bearer ${STATUS_TOKEN}` } })).json()) as Status;

  beforeAll(async () => {
    const root = tempDir('status-page');
    const dir = join(root, 'desired');
    mkdirSync(dir);
    const vpcId = (await clients.ec2.send(new CreateVpcCommand({ CidrBlock: '10.61.0.0/16' }))).Vpc?.VpcId ?? '';
    // created and tagged by apply, then only observed by the daemon: an SDK change stays drifted
    writeFileSync(join(dir, 'tg.yaml'), targetGroupYaml(vpcId, 'enforce'));
    const applied = await runCli(['apply', dir], { env: awsEnv(motoUrl()) });
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    writeFileSync(join(dir, 'tg.yaml'), targetGroupYaml(vpcId, 'observe'));
    daemon = new DaemonProcess(['--source', dir, '--interval', '2s', '--port', '0', '--bind', '127.0.0.1'], { ...daemonEnv(root, motoUrl()), STATUS_TOKEN });
    base = await daemon.url();

    browser = await puppeteer.launch({
      executablePath: chromium,
      headless: true,
      // root in a container has no user namespace sandbox; loopback only: no background traffic
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-default-apps', '--disable-extensions'],
    });
    page = await browser.newPage();
    await page.setJavaScriptEnabled(false); // the page must read without it
    await page.setViewport({ width: 1280, height: 900 });
    await page.authenticate({ username: 'ops', password: STATUS_TOKEN });
    page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`page error: ${String(e)}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
    page.on('response', (r) => r.status() >= 400 && r.status() !== 401 && problems.push(`HTTP ${r.status()} for ${r.url()}`));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    daemon?.child.kill('SIGTERM');
    await daemon?.exited;
  });

  const bodyText = (): Promise<string> => page.evaluate(() => document.body.innerText);

  it('loads behind STATUS_TOKEN and shows the target group in sync', async () => {
    await waitFor(async () => (await status()).resources.some((r) => r.id === `TargetGroup/${TG}` && r.state === 'in-sync'), 20_000, () => daemon.tail());
    const res = await page.goto(`${base}/`, { waitUntil: 'load' });
    expect(res?.status()).toBe(200);
    expect(await page.title()).toBe('in sync · ecs-reconciler');
    expect(await page.$eval(`tr.in-sync`, (tr) => tr.textContent ?? '')).toContain(`TargetGroup/${TG}`);
    expect(await page.$eval('meta[http-equiv="refresh"]', (m) => m.getAttribute('content'))).toBe('5');
  });

  it('shows a drift made with the SDK within 2 cycles, with its field, values and age', async () => {
    const before = await status();
    const arn = (await clients.elbv2.send(new DescribeTargetGroupsCommand({ Names: [TG] }))).TargetGroups?.[0]?.TargetGroupArn;
    await clients.elbv2.send(new ModifyTargetGroupCommand({ TargetGroupArn: arn, HealthCheckPath: '/hacked' }));
    // reload ourselves (faster than the meta refresh) and read the cycle count the page shows
    const seenAt = await waitFor(
      async () => {
        await page.reload({ waitUntil: 'load' });
        const text = await bodyText();
        return /Open drift incidents \(1\)/.test(text) ? Number(/(\d+) cycles/.exec(text)?.[1]) : undefined;
      },
      15_000,
      () => daemon.tail(),
    );
    expect(seenAt).toBeLessThanOrEqual(before.cycles + 2);
    const incident = await page.$eval('#drift table', (t) => (t as HTMLElement).innerText);
    expect(incident).toContain(`TargetGroup/${TG}`);
    expect(incident).toMatch(/healthCheck\.path\s+"\/hacked"\s+"\/ping"/);
    expect(incident).toMatch(/\d+ s\s+reported only/);
    expect(await page.$eval('tr.observe-only', (tr) => tr.textContent ?? '')).toContain(`TargetGroup/${TG}`);
    expect(await page.$eval('#next', (s) => (s as HTMLElement).innerText)).toContain('report again, never write (policy observe) drift: healthCheck.path');
    expect(await page.title()).toBe('1 need attention · ecs-reconciler');
  });

  it('reloads itself and keeps showing the drift (policy observe never corrects it)', async () => {
    const cyclesShown = async (): Promise<number> => Number(/(\d+) cycles/.exec(await bodyText())?.[1]);
    const first = await cyclesShown();
    await page.waitForNavigation({ timeout: 8_000 }); // the meta refresh, no script involved
    expect(await cyclesShown()).toBeGreaterThan(first);
    expect(await bodyText()).toContain('Open drift incidents (1)');
    expect(await page.$eval('#cycles tbody tr', (tr) => (tr as HTMLElement).innerText)).toMatch(/success\s+\d+ ms\s+\d+\s+0/); // observe: no writes
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    writeFileSync(join(SCREENSHOT_DIR, 'status-page.png'), await page.screenshot({ fullPage: true }));
  });

  it('had no console errors, failed requests or error responses', () => {
    expect(problems).toEqual([]);
  });
});
