// Drives the gateway's web page in Debian's Chromium (never a downloaded browser) as a person would: a refused
// token, the microphone (a fake device playing a tone-word WAV) through a live Deepgram outage injected and
// cleared from the page's fault panel, then "Play sample". It prints one JSON line of what the page showed
// (words in screen order, badge phases seen, sessions, timings); the JUnit test that starts the stack judges it.
//
// env: PAGE_URL, MIC_WAV, OUT_DIR, FAULT_AFTER_WORDS, MIC_WORDS (how many the WAV holds), CHROMIUM (optional)
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const env = (name, fallback) => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};
const PAGE_URL = env('PAGE_URL');
const MIC_WAV = env('MIC_WAV');
const OUT_DIR = env('OUT_DIR');
const FAULT_AFTER_WORDS = Number(env('FAULT_AFTER_WORDS', '8'));
const MIC_WORDS = Number(env('MIC_WORDS'));
const STEP_TIMEOUT = Number(env('STEP_TIMEOUT_MS', '120000'));
mkdirSync(OUT_DIR, { recursive: true });

const started = Date.now();
const report = { steps: [] };
const step = (name, extra = {}) => {
  report.steps.push({ name, at_ms: Date.now() - started, ...extra });
  console.error(`web-page: ${((Date.now() - started) / 1000).toFixed(1)} s ${name}`);
};

const browser = await chromium.launch({
  executablePath: env('CHROMIUM', '/usr/bin/chromium'),
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
    // %noloop: the fake microphone plays the file once, then silence
    `--use-file-for-fake-audio-capture=${MIC_WAV}%noloop`],
});

/** A fresh page (its own context: no shared state between the scenarios), with its console kept. */
async function open(url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
  return { page, problems, context };
}

const phase = (page) => page.getAttribute('#state-badge', 'data-phase');
const words = (page) => page.$$eval('#transcript .segment .text',
  (nodes) => nodes.flatMap((n) => n.textContent.split(/\s+/).filter(Boolean)));
const waitPhase = (page, wanted, timeout = STEP_TIMEOUT) =>
  page.waitForSelector(`#state-badge[data-phase="${wanted}"]`, { timeout });
const waitWords = (page, count, timeout = STEP_TIMEOUT) => page.waitForFunction(
  (n) => [...document.querySelectorAll('#transcript .segment .text')]
    .flatMap((e) => e.textContent.split(/\s+/).filter(Boolean)).length >= n, count, { timeout, polling: 100 });

/** Every badge phase the page shows, in order, recorded in the page (no change is missed between polls). */
async function recordPhases(page) {
  await page.evaluate(() => {
    window.phasesSeen = [document.getElementById('state-badge').dataset.phase];
    new MutationObserver(() => {
      const p = document.getElementById('state-badge').dataset.phase;
      if (window.phasesSeen[window.phasesSeen.length - 1] !== p) window.phasesSeen.push(p);
    }).observe(document.getElementById('state-badge'), { attributes: true, attributeFilter: ['data-phase'] });
  });
}

async function shot(page, name) {
  const path = join(OUT_DIR, name);
  await page.screenshot({ path, fullPage: true });
  return path;
}

let current = null;
try {
  // 1. A bad token (passed in the URL fragment, as with JWKS) is refused by /v4/web/listen
  current = await open(`${PAGE_URL}#token=not-a-jwt`);
  await current.page.click('#start-mic');
  await waitPhase(current.page, 'refused', 30000);
  report.refused = {
    notice: await current.page.textContent('#notice'),
    badge_title: await current.page.getAttribute('#state-badge', 'title'),
    events: await current.page.$$eval('#events li span', (n) => n.map((e) => e.textContent)),
    screenshot: await shot(current.page, 'web-page-refused.png'),
  };
  step('bad token refused');
  await current.context.close();

  // 2. The microphone, with Deepgram live down for a while in the middle
  current = await open(PAGE_URL);
  const { page } = current;
  await recordPhases(page);
  await page.click('#start-mic');
  await waitPhase(page, 'live');
  step('live');
  await waitWords(page, FAULT_AFTER_WORDS);
  step('words before the fault', { words: (await words(page)).length });
  await page.click('[data-fault="live-down"]');
  await page.waitForSelector('#fault-panel[data-healthy="false"]', { timeout: 15000 });
  step('live-down injected from the fault panel');
  await waitPhase(page, 'degraded');
  const atDegraded = (await words(page)).length;
  report.degraded_badge = await page.textContent('#state-badge .label');
  report.degraded_title = await page.getAttribute('#state-badge', 'title');
  report.banner_visible = await page.isVisible('#banner');
  step('degraded badge', { badge: report.degraded_badge });
  // stay down until batch transcripts arrive, so the screenshot shows words transcribed in the outage
  await waitWords(page, atDegraded + 3, 60000).catch(() => step('no batch words within 60 s of the outage'));
  report.outage_screenshot = await shot(page, 'web-page-outage.png');
  step('outage screenshot', { words: (await words(page)).length });
  await page.click('[data-fault="clear"]');
  await page.waitForSelector('#fault-panel[data-healthy="true"]', { timeout: 15000 });
  step('faults cleared from the fault panel');
  await waitPhase(page, 'recovered');
  report.recovered_title = await page.getAttribute('#state-badge', 'title');
  step('recovered badge');
  await waitWords(page, MIC_WORDS).catch(() => step('not every word shown before stop'));
  await page.click('#stop');
  await waitPhase(page, 'complete');
  step('mic session complete');
  report.mic = {
    words: await words(page),
    phases: await page.evaluate(() => window.phasesSeen),
    session: await page.textContent('#stat-session'),
    auth: await page.textContent('#auth-line'),
    screenshot: await shot(page, 'web-page-mic-complete.png'),
    problems: current.problems.filter((p) => !p.includes('favicon')),
  };

  // 3. "Play sample" on the same page: the bundled sample streamed instead of the microphone
  await page.click('#play-sample');
  await waitPhase(page, 'live');
  await waitPhase(page, 'complete');
  step('sample session complete');
  report.sample = {
    words: await words(page),
    session: await page.textContent('#stat-session'),
    auth: await page.textContent('#auth-line'),
    screenshot: await shot(page, 'web-page-sample.png'),
  };
  report.ok = true;
} catch (e) {
  report.ok = false;
  report.error = String(e && e.stack || e);
  if (current) {
    report.failure_screenshot = await shot(current.page, 'web-page-failure.png').catch(() => null);
    report.failure_words = await words(current.page).catch(() => null);
    report.failure_phase = await phase(current.page).catch(() => null);
    report.failure_events = await current.page.$$eval('#events li', (n) => n.map((e) => e.textContent)).catch(() => null);
    report.problems = current.problems;
  }
} finally {
  report.duration_ms = Date.now() - started;
  await browser.close();
}
console.log(JSON.stringify(report));
process.exit(report.ok ? 0 : 1);
