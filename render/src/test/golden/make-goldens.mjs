// Regenerates the golden test data under ../resources/golden/ with the browser's reference
// JavaScript (the oracle for the scalar backend):
//   node make-goldens.mjs PATH/TO/reference/js
// Inputs are deterministic (seeded) and small; commit the whole folder after running.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const refDir = path.resolve(process.argv[2] ?? '');
if (!fs.existsSync(path.join(refDir, 'render.mjs'))) {
  console.error('usage: node make-goldens.mjs PATH/TO/reference/js (the folder holding render.mjs)');
  process.exit(2);
}
const outRoot = path.resolve(here, '../resources/golden');

let seed = 12345;
const rand = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648 * 2 - 1; };

function signal(kind, frames, fs) {
  const L = new Float64Array(frames), R = new Float64Array(frames);
  for (let i = 0; i < frames; i++) {
    const t = i / fs;
    let l, r;
    switch (kind) {
      case 'tones': l = 0.5 * Math.sin(2 * Math.PI * 110 * t) + 0.3 * Math.sin(2 * Math.PI * 3520 * t);
        r = 0.4 * Math.sin(2 * Math.PI * 220 * t + 1) + 0.2 * rand(); break;
      case 'noise': l = 0.8 * rand(); r = 0.8 * rand(); break;
      case 'square': l = (Math.floor(t * 40) % 2 ? 0.9 : -0.9); r = -l; break;
      case 'bursts': { const env = Math.floor(t * 8) % 2 ? 1 : 0.001; l = env * 0.95 * Math.sin(2 * Math.PI * 60 * t); r = env * rand() * 0.7; break; }
      case 'clicks': l = i % 1500 === 0 ? 1 : 0.0005 * rand(); r = i % 2100 === 0 ? -1 : 0; break;
      default: throw new Error(kind);
    }
    L[i] = Math.max(-1, Math.min(1, l)); R[i] = Math.max(-1, Math.min(1, r));
  }
  return [L, R];
}

function writeWav(file, fs, channels, format) { // format: pcm16 | pcm24 | pcm32 | float32
  const n = channels.length, frames = channels[0].length;
  const bytes = { pcm16: 2, pcm24: 3, pcm32: 4, float32: 4 }[format];
  const data = frames * n * bytes;
  const buf = Buffer.alloc(44 + data);
  buf.write('RIFF', 0, 'ascii'); buf.writeUInt32LE(36 + data, 4); buf.write('WAVE', 8, 'ascii');
  buf.write('fmt ', 12, 'ascii'); buf.writeUInt32LE(16, 16); buf.writeUInt16LE(format === 'float32' ? 3 : 1, 20);
  buf.writeUInt16LE(n, 22); buf.writeUInt32LE(fs, 24); buf.writeUInt32LE(fs * n * bytes, 28);
  buf.writeUInt16LE(n * bytes, 32); buf.writeUInt16LE(bytes * 8, 34); buf.write('data', 36, 'ascii'); buf.writeUInt32LE(data, 40);
  let at = 44;
  for (let i = 0; i < frames; i++) for (let c = 0; c < n; c++) {
    const v = channels[c][i];
    if (format === 'float32') buf.writeFloatLE(v, at);
    else if (format === 'pcm16') buf.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(v * 32767))), at);
    else if (format === 'pcm24') buf.writeIntLE(Math.max(-8388608, Math.min(8388607, Math.round(v * 8388607))), at, 3);
    else buf.writeInt32LE(Math.max(-2147483648, Math.min(2147483647, Math.round(v * 2147483647))), at);
    at += bytes;
  }
  fs_write(file, buf);
}
function fs_write(file, buf) { fs.mkdirSync(path.dirname(file), { recursive: true }); fs.writeFileSync(file, buf); }

const cases = {
  'eq-comp-48k': { sampleRate: 48000, frames: 12000, tracks: [
    { name: 'keys', kind: 'tones', format: 'pcm16', strip: { eq: { active: true, low: { freq: 200, gainDb: 6 }, mid: { freq: 1000, gainDb: -3, q: 0.7 }, high: { freq: 5000, gainDb: 4 } }, comp: { active: true, thresholdDb: -12, ratio: 4 }, gain: 0.8, pan: -0.3 } },
    { name: 'bass', kind: 'square', format: 'pcm24', mono: true, strip: { eq: { active: true, low: { freq: 80, gainDb: 9 } }, comp: { active: true, thresholdDb: -20, ratio: 8 }, pan: 0.4 } },
    { name: 'air', kind: 'noise', format: 'float32', strip: { eq: { active: true, high: { freq: 9000, gainDb: -12 }, mid: { freq: 2500, gainDb: 5, q: 3 } }, gain: 0.5, pan: 1 } },
  ], master: { strip: { eq: { active: true, low: { freq: 120, gainDb: -2 } }, comp: { active: true, thresholdDb: -6, ratio: 2 }, gain: 0.9 } } },
  'mute-solo-mono-44k': { sampleRate: 44100, frames: 11025, blockSize: 100, tracks: [
    { name: 'a', kind: 'tones', format: 'pcm16', strip: { solo: true, mono: true, pan: -1 } },
    { name: 'b', kind: 'noise', format: 'pcm16', strip: { solo: true, mute: true } },
    { name: 'c', kind: 'bursts', format: 'pcm24', strip: { gain: 2, pan: 0.75 } },
    { name: 'd', kind: 'square', format: 'float32', strip: { solo: true, mono: true, pan: 0.2, gain: 0.3 } },
  ] },
  'extreme-eq-96k': { sampleRate: 96000, frames: 19200, tracks: [
    { name: 'sub', kind: 'square', format: 'float32', strip: { eq: { active: true, low: { freq: 20, gainDb: 24 }, mid: { freq: 20, gainDb: -24, q: 18 }, high: { freq: 20000, gainDb: 24 } }, gain: 0.1 } },
    { name: 'top', kind: 'noise', format: 'pcm24', strip: { eq: { active: true, low: { freq: 10, gainDb: -24 }, mid: { freq: 43200, gainDb: 24, q: 0.1 }, high: { freq: 43200, gainDb: -24 } } } },
    { name: 'peaky', kind: 'tones', format: 'pcm32', strip: { eq: { active: true, mid: { freq: 110, gainDb: 24, q: 18 } }, gain: 0.05 } },
  ], master: { strip: { gain: 0.5 } } },
  'heavy-comp-48k': { sampleRate: 48000, frames: 24000, tracks: [
    { name: 'drums', kind: 'bursts', format: 'pcm32', strip: { comp: { active: true, thresholdDb: -60, ratio: 20 }, gain: 4 } },
    { name: 'clicks', kind: 'clicks', format: 'pcm16', strip: { comp: { active: true, thresholdDb: -40, ratio: 10 }, eq: { active: true, high: { freq: 3000, gainDb: 12 } } } },
    { name: 'zero-threshold', kind: 'tones', format: 'float32', strip: { comp: { active: true, thresholdDb: 0, ratio: 20 } } },
  ], master: { strip: { comp: { active: true, thresholdDb: -30, ratio: 20 }, mono: true } } },
  'lengths-22k': { sampleRate: 22050, frames: 5000, lengthFrames: 8000, tracks: [
    { name: 'short', kind: 'tones', format: 'pcm16', frames: 3000 },
    { name: 'long', kind: 'noise', format: 'float32', mono: true, frames: 9000, strip: { pan: -0.5 } },
  ] },
};

fs.rmSync(outRoot, { recursive: true, force: true });
for (const [name, c] of Object.entries(cases)) {
  const dir = path.join(outRoot, name);
  const project = { sampleRate: c.sampleRate, blockSize: c.blockSize ?? 128, tracks: [] };
  for (const t of c.tracks) {
    const [L, R] = signal(t.kind, t.frames ?? c.frames, c.sampleRate);
    const file = `${t.name}.wav`;
    writeWav(path.join(dir, 'input', file), c.sampleRate, t.mono ? [L] : [L, R], t.format);
    const track = { name: t.name, source: { file: `input/${file}` } };
    if (t.strip) track.strip = t.strip;
    project.tracks.push(track);
  }
  if (c.master) project.master = c.master;
  if (c.lengthFrames) project.lengthFrames = c.lengthFrames;
  fs.writeFileSync(path.join(dir, 'project.json'), JSON.stringify(project, null, 2) + '\n');
  execFileSync('node', [path.join(refDir, 'render.mjs'), path.join(dir, 'project.json'), path.join(dir, 'expected')], { stdio: 'inherit' });
  console.log(`golden ${name}: ${project.tracks.length} tracks`);
}
