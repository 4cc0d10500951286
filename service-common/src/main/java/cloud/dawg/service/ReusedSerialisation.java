package cloud.dawg.service;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Serialises messages through a buffer each thread reuses. protobuf's own {@code writeTo(OutputStream)},
 * which gRPC calls for every message it sends, allocates a buffer of up to 4 KB per message
 * (the whole of a block's request, or its reply); gRPC drains a message into its transport
 * buffers inside {@code onNext}, so one buffer per thread serves every message.
 */
public final class ReusedSerialisation {
    private static final ThreadScratch BUFFERS = new ThreadScratch(16 << 10);

    private ReusedSerialisation() {
    }

    /** {@code standard} with its serialisation through the reused buffer; parsing unchanged. */
    public static <T> MethodDescriptor.Marshaller<T> of(MethodDescriptor.Marshaller<T> standard) {
        return new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(T value) {
                return value instanceof MessageLite message ? new Serialised(message) : standard.stream(value);
            }

            @Override
            public T parse(InputStream stream) {
                return standard.parse(stream);
            }
        };
    }

    /** A message as gRPC's framer takes it: its length known, drained in one write. */
    static final class Serialised extends InputStream implements Drainable, KnownLength {
        private final MessageLite message;
        private InputStream fallback; // only if something reads it instead of draining it
        private boolean drained;

        Serialised(MessageLite message) {
            this.message = message;
        }

        @Override
        public int drainTo(OutputStream target) throws IOException {
            if (fallback != null) {
                return (int) fallback.transferTo(target);
            }
            if (drained) {
                return 0;
            }
            drained = true;
            int size = message.getSerializedSize();
            byte[] buffer = BUFFERS.atLeast(size);
            CodedOutputStream out = CodedOutputStream.newInstance(buffer, 0, size);
            message.writeTo(out);
            out.checkNoSpaceLeft();
            target.write(buffer, 0, size);
            return size;
        }

        @Override
        public int available() throws IOException {
            if (fallback != null) {
                return fallback.available();
            }
            return drained ? 0 : message.getSerializedSize();
        }

        @Override
        public int read() throws IOException {
            return bytes().read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return bytes().read(b, off, len);
        }

        private InputStream bytes() {
            if (fallback == null) {
                fallback = new ByteArrayInputStream(drained ? new byte[0] : message.toByteArray());
                drained = true;
            }
            return fallback;
        }
    }
}
