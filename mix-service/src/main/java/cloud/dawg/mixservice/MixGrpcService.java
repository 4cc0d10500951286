package cloud.dawg.mixservice;

import cloud.dawg.proto.v1.MixRequest;
import cloud.dawg.proto.v1.MixResponse;
import cloud.dawg.proto.v1.MixServiceGrpc;
import cloud.dawg.proto.v1.NodeInfo;
import cloud.dawg.proto.v1.NodeInfoRequest;
import cloud.dawg.service.InPlaceRequests;
import cloud.dawg.service.Outbound;
import io.grpc.BindableService;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import org.springframework.stereotype.Service;

/**
 * The MixService gRPC endpoint: one {@link MixStream} per call. Its requests are parsed in place
 * ({@link InPlaceRequests}): {@link MixStream#onNext} decodes a block's PCM before it returns.
 */
@Service
public final class MixGrpcService implements MixServiceGrpc.AsyncService, BindableService {
    private final MixServiceContext context;

    MixGrpcService(MixServiceContext context) {
        this.context = context;
    }

    @Override
    public ServerServiceDefinition bindService() {
        return InPlaceRequests.of(MixServiceGrpc.bindService(this), MixServiceGrpc.getMixMethod(), MixRequest.parser());
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
