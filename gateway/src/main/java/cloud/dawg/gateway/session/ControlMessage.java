package cloud.dawg.gateway.session;

import cloud.dawg.proto.v1.ControlError;
import cloud.dawg.proto.v1.ParticipantResponse;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * A control message to participants in both of its wire forms, built once per broadcast: JSON for
 * the WebSocket (docs/protocol.md), protobuf for the gRPC front door (session_service.proto).
 */
public record ControlMessage(String json, ParticipantResponse proto) {
    /** A refused request: nothing changed, the connection stays open. */
    public static ControlMessage error(String code, String message) {
        return new ControlMessage(JsonNodeFactory.instance.objectNode().put("type", "error").put("code", code)
                .put("message", message).toString(),
                ParticipantResponse.newBuilder().setError(ControlError.newBuilder().setCode(code).setMessage(message)).build());
    }
}
