package cloud.dawg.service;

import cloud.dawg.proto.v1.BlockAudio;
import cloud.dawg.proto.v1.MixRequest;
import cloud.dawg.proto.v1.MixServiceGrpc;
import cloud.dawg.proto.v1.TrackAudio;
import com.google.protobuf.ByteString;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InPlaceRequestsTest {
    private final MethodDescriptor<MixRequest, ?> mix = MixServiceGrpc.getMixMethod();
    private final InPlaceRequests.Marshaller<MixRequest> marshaller =
            new InPlaceRequests.Marshaller<>(MixRequest.parser(), mix.getRequestMarshaller());

    @Test
    void shouldParseWhatTheStandardMarshallerWrites() {
        MixRequest request = audio(7, 1);
        assertEquals(request, marshaller.parse(mix.getRequestMarshaller().stream(request)));
    }

    @Test
    void shouldAliasTheBytesOfARequestUntilTheNextOneOnTheSameThread() {
        MixRequest first = marshaller.parse(mix.getRequestMarshaller().stream(audio(1, 10)));
        ByteString pcm = first.getAudio().getTracks(0).getPcm();
        assertEquals(10, pcm.byteAt(0));

        marshaller.parse(mix.getRequestMarshaller().stream(audio(2, 20)));

        assertEquals(20, pcm.byteAt(0), "the first request's PCM is a view of the reused buffer: no copy was made");
    }

    @Test
    void shouldRejectBytesThatAreNotAMixRequestWithAnInternalStatus() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> marshaller.parse(garbage()));
        assertTrue(e.getStatus().getDescription().startsWith("invalid protobuf request"), e.getStatus().toString());
    }

    @Test
    void shouldReplaceOnlyTheNamedMethodsMarshaller() {
        ServerServiceDefinition standard = MixServiceGrpc.bindService(new MixServiceGrpc.AsyncService() { });
        ServerServiceDefinition inPlace = InPlaceRequests.of(standard, mix, MixRequest.parser());

        assertEquals(standard.getMethods().size(), inPlace.getMethods().size());
        assertInstanceOf(InPlaceRequests.Marshaller.class,
                inPlace.getMethod(mix.getFullMethodName()).getMethodDescriptor().getRequestMarshaller());
        String nodeInfo = MixServiceGrpc.getGetNodeInfoMethod().getFullMethodName();
        assertSame(standard.getMethod(nodeInfo).getMethodDescriptor(), inPlace.getMethod(nodeInfo).getMethodDescriptor());
        assertSame(standard.getServiceDescriptor().getSchemaDescriptor(), inPlace.getServiceDescriptor().getSchemaDescriptor());
    }

    private static MixRequest audio(long sequence, int firstByte) {
        byte[] pcm = new byte[1024];
        pcm[0] = (byte) firstByte;
        return MixRequest.newBuilder().setAudio(BlockAudio.newBuilder().setSequence(sequence)
                .addTracks(TrackAudio.newBuilder().setTrackId(1).setPcm(ByteString.copyFrom(pcm)))).build();
    }

    /** A known-length stream (as gRPC's deframer gives) of bytes that end inside a field. */
    private static InputStream garbage() {
        class Known extends ByteArrayInputStream implements io.grpc.KnownLength {
            Known(byte[] b) {
                super(b);
            }
        }
        return new Known(new byte[] {0x12, 0x7f, 0x01});
    }
}
