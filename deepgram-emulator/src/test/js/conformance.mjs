// Drives a running deepgram-emulator with the official Deepgram JavaScript SDK (@deepgram/sdk v5) and prints
// what the SDK observed as one JSON object on stdout. The Java test (JsSdkConformanceIT) makes the assertions.
// Usage: node conformance.mjs <config.json>
//   config: {httpUrl, wsUrl, adminUrl, key, badKey, pcmPath, wavPath, sampleRate, mode}
//   mode "exact": waits for the endpointed finals before Finalize; "realism" (finals may be late or split):
//   sends all the audio, then Finalize, waits for its reply, then CloseStream.
import { readFileSync } from "node:fs";
import { DeepgramClient } from "@deepgram/sdk";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const environment = {
  base: config.httpUrl,
  production: config.wsUrl,
  agent: config.wsUrl,
  agentRest: config.httpUrl,
};

function until(predicate, timeoutMs, what) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = () => {
      if (predicate()) return resolve();
      if (Date.now() - started > timeoutMs) return reject(new Error("timed out waiting for " + what));
      setTimeout(check, 10);
    };
    check();
  });
}

const liveParams = {
  model: "nova-3",
  language: "en",
  encoding: "linear16",
  sample_rate: String(config.sampleRate),
  channels: "1",
  interim_results: "false",
  punctuate: "true",
  diarize: "true",
  endpointing: "100",
  reconnectAttempts: 0,
};

async function openLive(apiKey, extra = {}) {
  const client = new DeepgramClient({ apiKey, environment, reconnect: false });
  const socket = await client.listen.v1.connect({ ...liveParams, ...extra });
  const seen = { messages: [], errors: [], close: null, opens: 0 };
  socket.on("open", () => seen.opens++);
  socket.on("message", (m) => seen.messages.push(m));
  socket.on("error", (e) => seen.errors.push(String(e && e.message ? e.message : e)));
  socket.on("close", (e) => { seen.close = { code: e.code, reason: e.reason }; });
  socket.connect();
  return { socket, seen };
}

async function live() {
  const { socket, seen } = await openLive(config.key);
  await socket.waitForOpen();
  const pcm = readFileSync(config.pcmPath);
  const frame = Math.floor(config.sampleRate / 10) * 2; // 100 ms
  for (let i = 0; i < pcm.length; i += frame) {
    socket.sendMedia(pcm.subarray(i, Math.min(i + frame, pcm.length)));
  }
  const finals = () => seen.messages.filter((m) => m.type === "Results" && m.is_final);
  await until(() => finals().length >= 2, 5000, "two endpointed finals");
  socket.sendKeepAlive({ type: "KeepAlive" });
  socket.sendFinalize({ type: "Finalize" });
  await until(() => finals().some((m) => m.from_finalize), 5000, "the Finalize result");
  socket.sendCloseStream({ type: "CloseStream" });
  await until(() => seen.close !== null, 5000, "the close after CloseStream");
  return seen;
}

async function liveRealism() {
  const { socket, seen } = await openLive(config.key);
  await socket.waitForOpen();
  const pcm = readFileSync(config.pcmPath);
  const frame = Math.floor(config.sampleRate / 10) * 2; // 100 ms
  for (let i = 0; i < pcm.length; i += frame) {
    socket.sendMedia(pcm.subarray(i, Math.min(i + frame, pcm.length)));
  }
  socket.sendKeepAlive({ type: "KeepAlive" });
  socket.sendFinalize({ type: "Finalize" });
  await until(() => seen.messages.some((m) => m.type === "Results" && m.from_finalize), 5000, "the Finalize reply");
  socket.sendCloseStream({ type: "CloseStream" });
  await until(() => seen.close !== null, 5000, "the close after CloseStream");
  return seen;
}

async function badKey() {
  const { socket, seen } = await openLive(config.badKey);
  await until(() => seen.close !== null || seen.errors.length > 0, 5000, "the refused handshake");
  await until(() => seen.close !== null, 2000, "close").catch(() => {});
  socket.close();
  return seen;
}

async function faultClose() {
  const put = await fetch(config.adminUrl + "/__emulator/faults", {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ live: { close_after_ms: 300, close_code: 1011 } }),
  });
  if (put.status !== 200) throw new Error("PUT faults failed: " + put.status);
  try {
    const { socket, seen } = await openLive(config.key);
    await socket.waitForOpen();
    const opened = Date.now();
    await until(() => seen.close !== null, 5000, "the fault close");
    seen.closedAfterMs = Date.now() - opened;
    // Reconnect is off: give a reconnect the chance to happen, then count the opens.
    await new Promise((r) => setTimeout(r, 700));
    return seen;
  } finally {
    await fetch(config.adminUrl + "/__emulator/faults", { method: "DELETE" });
  }
}

async function prerecorded(options) {
  const client = new DeepgramClient({ apiKey: config.key, ...options });
  const wav = readFileSync(config.wavPath);
  return await client.listen.v1.media.transcribeFile(wav, {
    model: "nova-3",
    language: "en",
    diarize: true,
    punctuate: true,
    smart_format: true,
    utterances: true,
  });
}

const out = {};
for (const [name, run] of [
  ["live", config.mode === "realism" ? liveRealism : live],
  ["badKey", badKey],
  ["faultClose", faultClose],
  ["prerecordedEnvironment", () => prerecorded({ environment })],
  ["prerecordedBaseUrl", () => prerecorded({ baseUrl: config.httpUrl })],
]) {
  try {
    out[name] = await run();
  } catch (e) {
    out[name] = { failed: String(e && e.stack ? e.stack : e) };
  }
}
process.stdout.write(JSON.stringify(out) + "\n");
process.exit(0);
