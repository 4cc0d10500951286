package cloud.dawg.dsp.mix;

import cloud.dawg.dsp.backend.Backend;
import cloud.dawg.dsp.backend.Backends;
import cloud.dawg.dsp.strip.StripSettings;
import cloud.dawg.dsp.testing.RandomSessions;
import cloud.dawg.dsp.testing.SessionRun;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * A track's strip output does not depend on the other tracks of its session, bit for bit, on
 * every backend: rendered alone (as a render job's stem task renders it) it equals its output in
 * the whole session (as {@code dawg render} writes it). The float kernels put tracks in SIMD lanes
 * and skip empty sub-groups, so a track alone sits in lane 0 of the first sub-group and, in a
 * session of 20-odd tracks, in some other lane of another group.
 */
class TrackIndependenceTest {
    private static final int RATE = 48000;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"scalar", "simd", "native"})
    void shouldGiveATrackTheSameOutputAloneAsAmongOtherTracks(String backendName) {
        Backend backend = Backends.byName(backendName);
        Assumptions.assumeTrue(backend.availability().available(), backend.availability().reason());
        for (int seed = 0; seed < 6; seed++) {
            SplittableRandom rnd = new SplittableRandom(4711L * seed + 3);
            int tracks = 17 + rnd.nextInt(20);
            int block = seed % 2 == 0 ? 128 : 16 + rnd.nextInt(300);
            int frames = RATE / 2;
            StripSettings[] strips = new StripSettings[tracks];
            float[][] inL = new float[tracks][frames], inR = new float[tracks][frames];
            for (int t = 0; t < tracks; t++) {
                strips[t] = RandomSessions.strip(rnd, RATE).withSolo(false); // a solo elsewhere would silence the track
                RandomSessions.signal(rnd, rnd.nextInt(4), RATE, inL[t], inR[t]);
            }
            StripSettings master = RandomSessions.strip(rnd, RATE).withMute(false).withSolo(false);
            SessionRun full = SessionRun.run(backend, RATE, block, strips, master, inL, inR, null);
            for (int t : new int[]{0, tracks - 1, 16, rnd.nextInt(tracks)}) {
                SessionRun alone = SessionRun.run(backend, RATE, block, new StripSettings[]{strips[t]}, master,
                        new float[][]{inL[t]}, new float[][]{inR[t]}, null);
                String where = backendName + " seed " + seed + ", track " + t + " of " + tracks;
                assertArrayEquals(full.trackLeft[t], alone.trackLeft[0], where + ", left");
                assertArrayEquals(full.trackRight[t], alone.trackRight[0], where + ", right");
            }
        }
    }
}
