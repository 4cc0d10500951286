package cloud.dawg.service;

import cloud.dawg.proto.v1.BlockAudio;
import cloud.dawg.proto.v1.MixRequest;
import cloud.dawg.proto.v1.MixServiceGrpc;
import cloud.dawg.proto.v1.TrackAudio;
import com.google.protobuf.ByteString;
import io.grpc.Drainable;
import io.grpc.MethodDescriptor;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ReusedSerialisationTest {
    private final MethodDescriptor.Marshaller<MixRequest> marshaller =
            ReusedSerialisation.of(MixServiceGrpc.getMixMethod().getRequestMarshaller());

    @Test
    void shouldDrainExactlyTheMessagesProtobufBytesAndThenNothing() throws Exception {
        for (int bytes : new int[] {16, 1024, 64 << 10}) { // the last one beyond the initial buffer
            MixRequest request = audio(bytes);
            InputStream stream = marshaller.stream(request);
            assertEquals(request.getSerializedSize(), stream.available());

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int written = ((Drainable) stream).drainTo(out);

            assertEquals(request.getSerializedSize(), written);
            assertArrayEquals(request.toByteArray(), out.toByteArray());
            assertEquals(0, stream.available());
            assertEquals(request, marshaller.parse(new java.io.ByteArrayInputStream(out.toByteArray())));
        }
    }

    @Test
    void shouldGiveTheSameBytesToAReaderThatDoesNotDrain() throws Exception {
        MixRequest request = audio(3000);
        assertArrayEquals(request.toByteArray(), marshaller.stream(request).readAllBytes());
    }

    private static MixRequest audio(int bytes) {
        byte[] pcm = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            pcm[i] = (byte) (i * 13);
        }
        return MixRequest.newBuilder().setAudio(BlockAudio.newBuilder().setSequence(bytes)
                .addTracks(TrackAudio.newBuilder().setTrackId(2).setPcm(ByteString.copyFrom(pcm)))).build();
    }
}
