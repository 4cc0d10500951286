package cloud.dawg.render;

import java.nio.file.Path;

/** Reads a whole WAV as float [side][frame] (tests only). */
final class WavFiles {
    private WavFiles() {
    }

    static float[][] read(Path file) throws Exception {
        try (WavSource source = WavSource.open(file, file.getFileName().toString(), 4096)) {
            int frames = (int) source.frames();
            float[][] out = new float[2][frames];
            float[] l = new float[4096], r = new float[4096];
            for (int at = 0; at < frames; at += 4096) {
                int n = Math.min(4096, frames - at);
                source.read(l, r, n);
                System.arraycopy(l, 0, out[0], at, n);
                System.arraycopy(r, 0, out[1], at, n);
            }
            return out;
        }
    }
}
