// The Grafana dashboard and Prometheus alert rules in deploy/: promtool (Debian's prometheus package,
// a test peer) accepts the rules and every dashboard query, and every metric they name is exported by a
// running `serve` (the compiled command, scraped on METRICS_PORT) with Slack and Discord configured.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BIN, ROOT, baseEnv, tempDataDir } from '../helpers/cli.ts';
import { SIGNING_SECRET } from '../helpers/slack.ts';
import { freePort } from '../peers/ports.ts';
import { startSlackApi, type SlackApiPeer } from '../peers/slack-api.ts';
import { APP_ID, startDiscord, type DiscordPeer } from '../peers/discord.ts';

const RULES = path.join(ROOT, 'deploy/prometheus-alerts.yml');
const DASHBOARD = path.join(ROOT, 'deploy/grafana-dashboard.json');
const ALERT_TESTS = path.join(ROOT, 'test/deploy/alerts-test.yml');

interface Rules {
  groups: Array<{ rules: Array<{ alert: string; expr: string; annotations: Record<string, string> }> }>;
}
interface AlertTests {
  tests: Array<{ alert_rule_test: Array<{ alertname: string; exp_alerts: Array<{ exp_labels: Record<string, string>; exp_annotations: Record<string, string> }> }> }>;
}
interface Panel {
  title: string;
  targets?: Array<{ expr: string }>;
}

const alerts = () => (parse(readFileSync(RULES, 'utf8')) as Rules).groups.flatMap((g) => g.rules);
const dashboardQueries = () => (JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: Panel[] }).panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));

/** The metric names a PromQL expression reads: ours (helpdesk_), prom-client's process ones, and Prometheus's own `up`. */
function metricsIn(expr: string): string[] {
  return [...expr.matchAll(/\b((?:helpdesk|process|nodejs)_[a-z0-9_]+|up)\b(?=\s*[{[)\s]|$)/g)].map((m) => m[1] as string);
}

const promtool = (args: string[]) => spawnSync('promtool', args, { encoding: 'utf8' });

describe('deploy/prometheus-alerts.yml and deploy/grafana-dashboard.json', () => {
  it('promtool accepts the alert rules, and each rule a centre asked for is there', () => {
    const r = promtool(['check', 'rules', RULES]);
    expect(r.error, 'promtool not found: install Debian\'s "prometheus" package (bin/test-peers.js does)').toBeUndefined();
    expect(`${r.stdout}${r.stderr}`).toMatch(/SUCCESS: \d+ rules found/);
    expect(r.status).toBe(0);
    const names = alerts().map((a) => a.alert);
    for (const wanted of ['HelpdeskReplicaDown', 'HelpdeskStoreFailing', 'HelpdeskTicketsWaitingTooLong', 'HelpdeskDiscordNotConnected', 'HelpdeskUpstreamUnavailable', 'HelpdeskLimiterFallback', 'HelpdeskUpstreamErrors', 'HelpdeskUpstreamSlow']) {
      expect(names).toContain(wanted);
    }
    for (const a of alerts()) expect(a.annotations.summary, a.alert).toBeTruthy();
  });

  it('promtool test rules: every alert has a case in test/deploy/alerts-test.yml, and renders the labels its summary names', () => {
    const tests = (parse(readFileSync(ALERT_TESTS, 'utf8')) as AlertTests).tests.flatMap((t) => t.alert_rule_test);
    for (const a of alerts()) {
      const fired = tests.filter((t) => t.alertname === a.alert).flatMap((t) => t.exp_alerts);
      expect(fired.length, `${a.alert} has no case that fires`).toBeGreaterThan(0);
      for (const e of fired) {
        expect(e.exp_annotations.summary, a.alert).toBeTruthy();
        // Each label the summary names is kept by the expression and has a value in the case.
        for (const [, label] of a.annotations.summary!.matchAll(/\$labels\.(\w+)/g)) expect(e.exp_labels[label as string], `${a.alert}: ${label}`).toBeTruthy();
      }
    }
    const r = promtool(['test', 'rules', ALERT_TESTS]);
    expect(`${r.stdout}${r.stderr}`).toContain('SUCCESS');
    expect(r.status).toBe(0);
  });

  it('promtool test rules fails when a summary renders differently (the cases can fail)', () => {
    const file = path.join(tempDataDir(), 'alerts-test.yml');
    writeFileSync(file, readFileSync(ALERT_TESTS, 'utf8').replace('../../deploy/prometheus-alerts.yml', RULES).replace('replica helpdesk-2 cannot reach', 'replica  cannot reach'));
    expect(promtool(['test', 'rules', file]).status).not.toBe(0);
  });

  it('the dashboard has job, instance and replica variables, and every query of a helpdesk metric is filtered by them', () => {
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { templating: { list: Array<{ name: string; query: { query: string }; includeAll: boolean; allValue: string }> } };
    expect(dashboard.templating.list.map((v) => v.name)).toEqual(['job', 'instance', 'replica']);
    for (const v of dashboard.templating.list) {
      expect(v.query.query).toMatch(new RegExp(`^label_values\\(helpdesk_store_up.*, ${v.name}\\)$`));
      // "All" must match a series without the label too (one replica without DATABASE_URL has no replica label).
      expect([v.includeAll, v.allValue]).toEqual([true, '.*']);
    }
    for (const q of dashboardQueries()) {
      for (const [, name, selector] of q.expr.matchAll(/\b((?:helpdesk|process|nodejs)_[a-z0-9_]+|up)\{([^}]*)\}/g)) {
        const wanted = name === 'up' ? ['job', 'instance'] : ['job', 'instance', 'replica'];
        for (const label of wanted) expect(selector, `${q.panel}: ${name}`).toContain(`${label}=~"$${label}"`);
      }
      expect(q.expr.replace(/\b((?:helpdesk|process|nodejs)_[a-z0-9_]+|up)\{[^}]*\}/g, ''), `${q.panel}: a metric without the variables`).not.toMatch(/\b(?:helpdesk|process|nodejs)_[a-z0-9_]+\b/);
    }
  });

  it('promtool parses every dashboard query (each checked as a recording rule)', () => {
    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThan(10);
    const file = path.join(tempDataDir(), 'dashboard-rules.yml');
    const rules = queries.map((q, i) => `      - record: dashboard:query_${i}\n        expr: ${JSON.stringify(q.expr)}\n`).join('');
    writeFileSync(file, `groups:\n  - name: dashboard\n    rules:\n${rules}`);
    const r = promtool(['check', 'rules', file]);
    expect(`${r.stdout}${r.stderr}`).toContain(`SUCCESS: ${queries.length} rules found`);
  });

  it('a broken expression is refused (the check can fail)', () => {
    const file = path.join(tempDataDir(), 'broken-rules.yml');
    writeFileSync(file, 'groups:\n  - name: broken\n    rules:\n      - alert: Broken\n        expr: sum(rate(helpdesk_checks_total[5m])\n');
    expect(promtool(['check', 'rules', file]).status).not.toBe(0);
  });

  describe('against a running serve', () => {
    let child: ChildProcess;
    let slackApi: SlackApiPeer;
    let discord: DiscordPeer;
    let scrape = '';

    beforeAll(async () => {
      slackApi = await startSlackApi();
      discord = await startDiscord();
      const [port, metricsPort] = [await freePort(), await freePort()];
      const env = baseEnv({
        PORT: String(port),
        METRICS_PORT: String(metricsPort),
        DATA_DIR: tempDataDir(),
        SLACK_BOT_TOKEN: 'xoxb-test',
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: slackApi.apiUrl,
        DISCORD_TOKEN: 'test-bot-token-0123456789',
        DISCORD_APPLICATION_ID: APP_ID,
        DISCORD_API_URL: discord.apiUrl,
      });
      child = spawn(process.execPath, [BIN, 'serve'], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr?.on('data', (d) => (stderr += d));
      const deadline = Date.now() + 60_000;
      for (;;) {
        const body = await fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((r) => (r.ok ? r.text() : undefined), () => undefined);
        // Discord connected: the channel gauges have their values.
        if (body && /^helpdesk_channel_up\{channel="discord"\} 1$/m.test(body)) {
          scrape = body;
          break;
        }
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`serve did not export metrics with Discord up: ${stderr}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }, 90_000);

    afterAll(async () => {
      child?.kill('SIGKILL');
      await discord?.close();
      await slackApi?.close();
    });

    it('exports every metric the alert rules and the dashboard name', () => {
      const exported = new Set([...scrape.matchAll(/^# TYPE (\S+) (\S+)$/gm)].flatMap(([, name, type]) => (type === 'histogram' ? [`${name}_bucket`, `${name}_count`, `${name}_sum`] : [name as string])));
      exported.add('up'); // Prometheus's own, per scraped target.
      const named = [...alerts().map((a) => ({ where: `alert ${a.alert}`, expr: a.expr })), ...dashboardQueries().map((q) => ({ where: `panel "${q.panel}"`, expr: q.expr }))].flatMap((q) =>
        metricsIn(q.expr).map((m) => ({ where: q.where, metric: m })),
      );
      expect(new Set(named.map((n) => n.metric)).size).toBeGreaterThan(12);
      expect(named.filter((n) => !exported.has(n.metric))).toEqual([]);
    });

    it('says the store answers, no ticket waits, and which channels are connected', () => {
      expect(scrape).toMatch(/^helpdesk_store_up 1$/m);
      expect(scrape).toMatch(/^helpdesk_oldest_ticket_waiting_seconds 0$/m);
      expect(scrape).toMatch(/^helpdesk_channel_up\{channel="web"\} 1$/m);
      expect(scrape).toMatch(/^helpdesk_channel_up\{channel="slack"\} [01]$/m);
    });
  });
});
