package cloud.dawg.service;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;

import java.io.IOException;
import java.io.InputStream;

/**
 * Parses one method's requests in place: the message is read into a buffer its event-loop
 * thread reuses, and its {@code bytes} fields (a block's PCM) are views of that buffer instead
 * of copies (8 KB a block for an 8-track session). The contract this needs: a request is
 * finished with when its {@code onNext} returns, since the next request on that thread
 * overwrites the buffer. It holds for the services' streams, whose callbacks run on the
 * event loop ({@link ServiceDefaults}) and decode the PCM before returning. The method's replies
 * are serialised through a reused buffer ({@link ReusedSerialisation}).
 */
public final class InPlaceRequests {
    private InPlaceRequests() {
    }

    /**
     * {@code standard} with {@code method}'s requests parsed in place by {@code parser} (and its
     * replies serialised through a reused buffer); every other method as it was.
     */
    public static <Q extends MessageLite> ServerServiceDefinition of(ServerServiceDefinition standard,
                                                                     MethodDescriptor<Q, ?> method, Parser<Q> parser) {
        ServiceDescriptor old = standard.getServiceDescriptor();
        ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(old.getName()).setSchemaDescriptor(old.getSchemaDescriptor());
        ServerMethodDefinition<?, ?>[] methods = standard.getMethods().toArray(new ServerMethodDefinition<?, ?>[0]);
        for (int i = 0; i < methods.length; i++) {
            if (methods[i].getMethodDescriptor().getFullMethodName().equals(method.getFullMethodName())) {
                methods[i] = inPlace(methods[i], parser);
            }
            descriptor.addMethod(methods[i].getMethodDescriptor());
        }
        ServerServiceDefinition.Builder service = ServerServiceDefinition.builder(descriptor.build());
        for (ServerMethodDefinition<?, ?> m : methods) {
            service.addMethod(m);
        }
        return service.build();
    }

    @SuppressWarnings("unchecked")
    private static <Q extends MessageLite, R> ServerMethodDefinition<Q, R> inPlace(ServerMethodDefinition<?, ?> definition, Parser<Q> parser) {
        ServerMethodDefinition<Q, R> typed = (ServerMethodDefinition<Q, R>) definition;
        MethodDescriptor<Q, R> old = typed.getMethodDescriptor();
        MethodDescriptor<Q, R> method = old.toBuilder(new Marshaller<>(parser, old.getRequestMarshaller()),
                ReusedSerialisation.of(old.getResponseMarshaller())).build();
        ServerCallHandler<Q, R> handler = typed.getServerCallHandler();
        return ServerMethodDefinition.create(method, handler);
    }

    /** Serialises as protobuf does; parses through a per-thread buffer with aliasing on. */
    static final class Marshaller<Q extends MessageLite> implements MethodDescriptor.Marshaller<Q> {
        private static final int INITIAL_BYTES = 16 << 10;
        private final Parser<Q> parser;
        private final MethodDescriptor.Marshaller<Q> standard;
        private final ThreadScratch buffers = new ThreadScratch(INITIAL_BYTES);

        Marshaller(Parser<Q> parser, MethodDescriptor.Marshaller<Q> standard) {
            this.parser = parser;
            this.standard = standard;
        }

        @Override
        public InputStream stream(Q value) {
            return standard.stream(value);
        }

        @Override
        public Q parse(InputStream stream) {
            if (!(stream instanceof KnownLength)) {
                return standard.parse(stream);
            }
            try {
                int size = stream.available();
                byte[] buffer = buffers.atLeast(size);
                if (stream.readNBytes(buffer, 0, size) != size) {
                    throw Status.INTERNAL.withDescription("request ended before its announced " + size + " bytes").asRuntimeException();
                }
                // through a wrapping ByteString: the only public way to a decoder that may alias
                // (protobuf aliases only buffers it is told are immutable, which this one is until
                // the next request on this thread)
                CodedInputStream in = UnsafeByteOperations.unsafeWrap(buffer, 0, size).newCodedInput();
                in.enableAliasing(true);
                in.setSizeLimit(Integer.MAX_VALUE);
                return parser.parseFrom(in);
            } catch (InvalidProtocolBufferException e) {
                throw Status.INTERNAL.withDescription("invalid protobuf request: " + e.getMessage()).withCause(e).asRuntimeException();
            } catch (IOException e) {
                throw Status.INTERNAL.withDescription("request could not be read: " + e.getMessage()).withCause(e).asRuntimeException();
            }
        }
    }
}
