import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { planSchedules } from '../../src/daemon/schedule-plan.ts';
import { repoRoot } from '../support/file-scenario.ts';
import { runCli } from '../support/run-cli.ts';
import { startHarness } from './support/daemon-harness.ts';

const deploy = path.join(repoRoot, 'examples/deploy');
const env = { DATASPHERE_CLIENT_ID: 'client-id', DATASPHERE_CLIENT_SECRET: 'client-secret-value' };

describe('examples/deploy', () => {
  it('systemd: the config is valid, its schedules plan, and the unit gives the daemon longer to stop than its grace period', async () => {
    const { config } = await loadConfig(path.join(deploy, 'systemd/catalog-sync.json'), env);
    const entries = planSchedules(config.schedule);
    expect(entries.map((e) => e.name)).toEqual(['default', 'space:SALES', 'space:FINANCE', 'refresh']);
    expect(config.checkpoints.dir).toBe('/var/lib/catalog-sync/checkpoints');
    const unit = await readFile(path.join(deploy, 'systemd/catalog-sync.service'), 'utf8');
    expect(unit).toMatch(/^ExecStart=\S+ \S+\/bin\/catalog-sync\.js daemon --config \/etc\/catalog-sync\/catalog-sync\.json$/m);
    const timeoutStop = Number(/^TimeoutStopSec=(\d+)$/m.exec(unit)?.[1]);
    expect(timeoutStop).toBeGreaterThan(config.jobs.shutdownGraceSeconds);
    expect(unit).toMatch(/^KillSignal=SIGTERM$/m);
    // The token variable the config names is one the environment file provides.
    const envFile = await readFile(path.join(deploy, 'systemd/catalog-sync.env'), 'utf8');
    expect(envFile).toMatch(new RegExp(`^${config.api.tokenEnv}=`, 'm'));
  });

  it('kubernetes: each CronJob runs a one-shot sync of its space with arguments the CLI accepts', async () => {
    await loadConfig(path.join(deploy, 'kubernetes/catalog-sync.json'), env);
    const kustomization = await readFile(path.join(deploy, 'kubernetes/kustomization.yaml'), 'utf8');
    const cronJobs = [...kustomization.matchAll(/^ {2}- (cronjob-[\w-]+\.yaml)$/gm)].map((m) => m[1] as string);
    expect(cronJobs).toEqual(['cronjob-sales.yaml', 'cronjob-finance.yaml']);

    const harness = await startHarness({ spaces: { SALES: 2, FINANCE: 2 } });
    try {
      await harness.daemon.stop();
      for (const file of cronJobs) {
        const manifest = await readFile(path.join(deploy, 'kubernetes', file), 'utf8');
        expect(manifest).toMatch(/^kind: CronJob$/m);
        expect(manifest).toMatch(/^ {2}concurrencyPolicy: Forbid$/m);
        const args = JSON.parse(/^ +args: (\[.*\])$/m.exec(manifest)?.[1] ?? 'null') as string[];
        expect(args.slice(0, 2)).toEqual(['sync', '--space']);
        expect(args).toContain('--wait-lock');
        // The same arguments, pointed at a local config, run a real one-shot sync of that space.
        const local = args.map((arg, i) => (args[i - 1] === '--config' ? harness.configFile : arg));
        const result = await runCli([...local, '--json']);
        expect(result.code, result.stderr).toBe(0);
        expect(JSON.parse(result.stdout).source.spaces).toEqual([args[2]]);
      }
    } finally {
      await harness.stop();
    }
  });
});
