package cloud.dawg.client;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A participant's WebSocket (docs/protocol.md): JSON text messages and binary audio frames.
 * Received messages go to a {@link Listener} on the HTTP client's selector thread, which also
 * reads every other socket of that client: a listener must return quickly and must not wait for
 * a send to complete (a send that has to wait for the socket would then never finish).
 */
public final class ParticipantSocket {
    /** What the gateway sends. */
    public interface Listener {
        void text(String json);

        /** A mix frame: kind 2 (master) or 3 (monitor), its sequence, and planar stereo samples. */
        void mix(int kind, long sequence, float[] left, float[] right);

        void closed(int code, String reason);
    }

    private final WebSocket socket;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();

    private ParticipantSocket(WebSocket socket) {
        this.socket = socket;
    }

    static ParticipantSocket connect(HttpClient http, URI uri, Listener listener) {
        Receiver receiver = new Receiver(listener);
        WebSocket ws = http.newWebSocketBuilder().buildAsync(uri, receiver).join();
        ParticipantSocket s = new ParticipantSocket(ws);
        receiver.owner = s;
        return s;
    }

    public CompletableFuture<Void> closedFuture() {
        return closed;
    }

    public synchronized void sendText(String json) {
        socket.sendText(json, true).join();
    }

    public synchronized void sendBinary(byte[] frame) {
        socket.sendBinary(ByteBuffer.wrap(frame), true).join();
    }

    public void close() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(t -> null).join();
    }

    public void abort() {
        socket.abort();
    }

    /**
     * A client audio frame: header, then per track its id, channel count and planar samples.
     * {@code left[i]}/{@code right[i]} are track i's samples; a null right makes the track mono.
     */
    public static byte[] audioFrame(long sequence, int frames, int[] trackIds, float[][] left, float[][] right) {
        int size = 16;
        for (int i = 0; i < trackIds.length; i++) {
            size += 4 + (right[i] == null ? 4 : 8) * frames;
        }
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 1).put((byte) 1).putShort((short) trackIds.length).putInt(frames).putLong(sequence);
        for (int i = 0; i < trackIds.length; i++) {
            b.putShort((short) trackIds[i]).put((byte) (right[i] == null ? 1 : 2)).put((byte) 0);
            for (int k = 0; k < frames; k++) {
                b.putFloat(left[i][k]);
            }
            if (right[i] != null) {
                for (int k = 0; k < frames; k++) {
                    b.putFloat(right[i][k]);
                }
            }
        }
        return b.array();
    }

    private static final class Receiver implements WebSocket.Listener {
        private final Listener listener;
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
        ParticipantSocket owner;

        Receiver(Listener listener) {
            this.listener = listener;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String message = text.toString();
                text.setLength(0);
                listener.text(message);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            binary.writeBytes(chunk);
            if (last) {
                ByteBuffer b = ByteBuffer.wrap(binary.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
                binary.reset();
                int kind = b.get() & 0xff;
                b.get();
                b.getShort();
                int frames = b.getInt();
                long sequence = b.getLong();
                float[] l = new float[frames], r = new float[frames];
                for (int i = 0; i < frames; i++) {
                    l[i] = b.getFloat();
                }
                for (int i = 0; i < frames; i++) {
                    r[i] = b.getFloat();
                }
                listener.mix(kind, sequence, l, r);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            listener.closed(statusCode, reason);
            if (owner != null) {
                owner.closed.complete(null);
            }
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            listener.closed(-1, String.valueOf(error));
            if (owner != null) {
                owner.closed.complete(null);
            }
        }
    }
}
