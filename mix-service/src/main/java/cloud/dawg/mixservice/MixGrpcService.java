package cloud.dawg.mixservice;

import cloud.dawg.proto.v1.MixRequest;
import cloud.dawg.proto.v1.MixResponse;
import cloud.dawg.proto.v1.MixServiceGrpc;
import cloud.dawg.proto.v1.NodeInfo;
import cloud.dawg.proto.v1.NodeInfoRequest;
import cloud.dawg.service.Outbound;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import org.springframework.stereotype.Service;

/** The MixService gRPC endpoint: one {@link MixStream} per call. */
@Service
public final class MixGrpcService extends MixServiceGrpc.MixServiceImplBase {
    private final MixServiceContext context;

    MixGrpcService(MixServiceContext context) {
        this.context = context;
    }

    @Override
    public StreamObserver<MixRequest> mix(StreamObserver<MixResponse> responses) {
        ServerCallStreamObserver<MixResponse> out = (ServerCallStreamObserver<MixResponse>) responses;
        return new MixStream(context, new MixOutbound(new Outbound<>(out, context.metrics(), Outbound.DEFAULT_THRESHOLD_BYTES)));
    }

    @Override
    public void getNodeInfo(NodeInfoRequest request, StreamObserver<NodeInfo> responses) {
        responses.onNext(context.backend().nodeInfo(context.admission().inUse(), context.metrics().load().load()));
        responses.onCompleted();
    }
}
