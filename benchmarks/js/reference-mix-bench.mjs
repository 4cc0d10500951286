// The browser's reference JavaScript mixer (channel-strip.mjs), timed on the workload of
// `dawg bench mix`: 64 tracks, EQ and compressor active on every strip, spread pans, decaying
// harmonic notes with noise, a master strip with its compressor, 128-frame blocks. Prints
// realtime strips per core, the figure the Java backends' goals are multiples of.
//   node reference-mix-bench.mjs PATH/TO/reference/js [--tracks 64] [--seconds 10] [--json]
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const refDir = path.resolve(args[0] ?? '');
if (!fs.existsSync(path.join(refDir, 'channel-strip.mjs'))) {
  console.error('usage: node reference-mix-bench.mjs PATH/TO/reference/js [--tracks N] [--seconds S] [--json]');
  process.exit(2);
}
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at < 0 ? fallback : Number(args[at + 1]);
};
const tracks = option('--tracks', 64), seconds = option('--seconds', 10), json = args.includes('--json');
const { ChannelStrip } = await import(pathToFileURL(path.join(refDir, 'channel-strip.mjs')));

const fs48 = 48000, block = option("--block", 128);
let seed = 42;
const rand = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
const between = (lo, hi) => lo + (hi - lo) * rand();

const inputFrames = Math.ceil(2 * fs48 / block) * block; // 2 s of input per track, looped, as in the Java workload
const strips = [], inL = [], inR = [];
for (let t = 0; t < tracks; t++) {
  strips.push(new ChannelStrip(fs48, {
    eq: { active: true, low: { freq: between(60, 260), gainDb: between(-6, 6) },
          mid: { freq: between(300, 3300), gainDb: between(-6, 6), q: between(0.5, 2.5) },
          high: { freq: between(3000, 12000), gainDb: between(-6, 6) } },
    comp: { active: true, thresholdDb: between(-30, -6), ratio: between(2, 8) },
    gain: between(0.5, 1), pan: between(-1, 1),
  }));
  const L = new Float32Array(inputFrames), R = new Float32Array(inputFrames);
  const noteFrames = fs48 / 4;
  let f = 0, phase = 0;
  for (let i = 0; i < inputFrames; i++) {
    const inNote = i % noteFrames;
    if (inNote === 0) f = 55 * Math.pow(2, Math.floor(48 * rand()) / 12);
    const env = Math.exp(-6 * inNote / noteFrames);
    phase += 2 * Math.PI * f / fs48;
    let s = 0;
    for (let h = 1; h <= 6; h++) s += Math.sin(h * phase) / h;
    const noise = (2 * rand() - 1) * 0.02;
    L[i] = 0.5 * env * s + noise;
    R[i] = 0.5 * env * Math.sin(phase + 0.3) + noise;
  }
  inL.push(L); inR.push(R);
}
const master = new ChannelStrip(fs48, { gain: 0.125, comp: { active: true, thresholdDb: -6, ratio: 2 } });
const busL = new Float32Array(block), busR = new Float32Array(block);
const mixL = new Float32Array(block), mixR = new Float32Array(block);

let cursor = 0;
function processBlock() { // as render.mjs does it, one block at a time
  busL.fill(0); busR.fill(0);
  for (let t = 0; t < tracks; t++) {
    const strip = strips[t], L = inL[t], R = inR[t];
    for (let i = 0; i < block; i++) {
      const { left, right } = strip.processSample(L[cursor + i], R[cursor + i]);
      busL[i] += left; busR[i] += right;
    }
  }
  for (let i = 0; i < block; i++) {
    const { left, right } = master.processSample(busL[i], busR[i]);
    mixL[i] = left; mixR[i] = right;
  }
  cursor = cursor + block >= inputFrames ? 0 : cursor + block;
}

const blocksFor = (s) => Math.round(s * fs48 / block);
for (let i = 0; i < blocksFor(3); i++) processBlock(); // warm-up: let the JIT settle
const rounds = [];
for (let r = 0; r < 3; r++) {
  const blocks = blocksFor(seconds / 3);
  const before = process.cpuUsage();
  for (let i = 0; i < blocks; i++) processBlock();
  const used = process.cpuUsage(before);
  const cpuSeconds = (used.user + used.system) / 1e6;
  rounds.push(blocks * block / fs48 * tracks / cpuSeconds);
}
rounds.sort((a, b) => a - b);
const result = { backend: 'javascript-reference', node: process.version, tracks,
                 realtimeStripsPerCore: Math.round(rounds[1]), rounds: rounds.map(Math.round) };
console.log(json ? JSON.stringify(result, null, 2)
  : `javascript reference (node ${process.version}): ${result.realtimeStripsPerCore} realtime strips per core `
    + `(median of 3 rounds: ${result.rounds.join(', ')}), ${tracks} tracks`);
