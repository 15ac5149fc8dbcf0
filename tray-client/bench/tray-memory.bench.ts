// Tray memory: RSS of the real tray process (GTK, and its StatusNotifierItem and menu served with
// dbus-next, shown by a real StatusNotifier host on a private session bus) after start and after each 1,000 status refreshes, side by side with the
// after-start baseline. Each refresh changes the icon, the status line and the menu's sensitivity,
// which is what an event from the server does. The widgets are reused, so RSS must not grow with the
// number of refreshes beyond allocator noise.
// Run: npm run bench:tray -w tray-client   (xvfb-run -a dbus-run-session -- node … this file)
import { TrayState } from '../src/tray/tray-backend';
import { STATE_PRESENTATION } from '../src/tray/tray-view';
import { StatusNotifierHost } from '../test/support/status-notifier-host';
import { TrayProcess } from '../test/support/tray-process';

const ROUNDS = 10;
const REFRESHES_PER_ROUND = 1000;
const MB = 1024 * 1024;

interface Sample {
  label: string;
  refreshes: number;
  rss: number;
  heapUsed: number;
  ms: number;
}

async function main(): Promise<void> {
  const host = await StatusNotifierHost.start();
  const tray = TrayProcess.start({ ...process.env }, { nodeOptions: ['--expose-gc'] });
  try {
    await tray.waitFor('started');
    const item = await host.waitForItem();
    // Let GTK finish its first drawing and the indicator its registration before the baseline.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    let lastRefreshState = 'unknown';
    const start = await tray.request({ cmd: 'memory' }, 'memory');
    const samples: Sample[] = [
      { label: 'after start', refreshes: 0, rss: Number(start.rss), heapUsed: Number(start.heapUsed), ms: 0 },
    ];
    for (let round = 1; round <= ROUNDS; round++) {
      const begun = performance.now();
      const answer = await tray.request({ cmd: 'refresh', count: REFRESHES_PER_ROUND }, 'refreshed', 120000);
      samples.push({
        label: `after ${round * REFRESHES_PER_ROUND} refreshes`,
        refreshes: round * REFRESHES_PER_ROUND,
        rss: Number(answer.rss),
        heapUsed: Number(answer.heapUsed),
        ms: performance.now() - begun,
      });
      lastRefreshState = String(answer.state);
    }
    // The panel side saw the refreshes: the icon of the last state pushed is on D-Bus.
    const lastState = lastRefreshState;
    const wanted = STATE_PRESENTATION[lastState as TrayState].icon;
    const icon = await item.waitForProperty('IconName', (name) => name === wanted, 5000);

    const baseline = samples[0];
    console.log(
      `tray memory (GTK 3 + dbus-next StatusNotifierItem under Xvfb, Node ${process.version}); baseline = RSS after start`,
    );
    console.log('| sample | RSS MB | baseline MB | ratio | JS heap MB | ms per 1,000 refreshes |');
    console.log('|---|---|---|---|---|---|');
    for (const sample of samples) {
      console.log(
        `| ${sample.label} | ${(sample.rss / MB).toFixed(1)} | ${(baseline.rss / MB).toFixed(1)} | ` +
          `${(sample.rss / baseline.rss).toFixed(3)} | ${(sample.heapUsed / MB).toFixed(1)} | ` +
          `${sample.ms ? sample.ms.toFixed(0) : '-'} |`,
      );
    }
    const afterFirst = samples[1];
    const last = samples[samples.length - 1];
    const perThousand = (last.rss - afterFirst.rss) / ((last.refreshes - afterFirst.refreshes) / 1000);
    console.log(
      `growth from 1,000 to ${last.refreshes} refreshes: ${((last.rss - afterFirst.rss) / MB).toFixed(2)} MB ` +
        `(${(perThousand / 1024).toFixed(1)} kB per 1,000); icon seen by the host at the end: ${icon}`,
    );
  } finally {
    tray.send({ cmd: 'quit' });
    await tray.stop();
    await host.close();
  }
}

main().catch((error: Error) => {
  console.error(error.stack);
  process.exit(1);
});
