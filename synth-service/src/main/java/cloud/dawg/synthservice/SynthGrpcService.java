package cloud.dawg.synthservice;

import cloud.dawg.proto.v1.NodeInfo;
import cloud.dawg.proto.v1.NodeInfoRequest;
import cloud.dawg.proto.v1.SynthRequest;
import cloud.dawg.proto.v1.SynthResponse;
import cloud.dawg.proto.v1.SynthServiceGrpc;
import cloud.dawg.service.Outbound;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import org.springframework.stereotype.Service;

/** The SynthService gRPC endpoint: one {@link SynthStream} per call. */
@Service
public final class SynthGrpcService extends SynthServiceGrpc.SynthServiceImplBase {
    private final SynthServiceContext context;

    SynthGrpcService(SynthServiceContext context) {
        this.context = context;
    }

    @Override
    public StreamObserver<SynthRequest> play(StreamObserver<SynthResponse> responses) {
        return new SynthStream(context, new Outbound<>((ServerCallStreamObserver<SynthResponse>) responses, context.metrics(), Outbound.DEFAULT_THRESHOLD_BYTES));
    }

    @Override
    public void getNodeInfo(NodeInfoRequest request, StreamObserver<NodeInfo> responses) {
        responses.onNext(context.backend().nodeInfo(context.admission().inUse(), context.metrics().load().load()));
        responses.onCompleted();
    }
}
