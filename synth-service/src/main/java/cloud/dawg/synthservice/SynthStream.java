package cloud.dawg.synthservice;

import cloud.dawg.dsp.mix.MixEngine;
import cloud.dawg.dsp.synth.InstrumentSettings;
import cloud.dawg.proto.v1.InstrumentOpened;
import cloud.dawg.proto.v1.OpenInstrument;
import cloud.dawg.proto.v1.SynthError;
import cloud.dawg.proto.v1.SynthRequest;
import cloud.dawg.proto.v1.SynthResponse;
import cloud.dawg.service.Instruments;
import cloud.dawg.service.Outbound;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/** The server side of one {@code Play} stream: the open handshake, then render requests into a {@link LiveInstrument}. */
final class SynthStream implements StreamObserver<SynthRequest> {
    private final SynthServiceContext context;
    private final Outbound<SynthResponse> out;
    private LiveInstrument instrument;

    SynthStream(SynthServiceContext context, Outbound<SynthResponse> out) {
        this.context = context;
        this.out = out;
    }

    @Override
    public void onNext(SynthRequest request) {
        switch (request.getKindCase()) {
            case OPEN -> open(request.getOpen());
            case RENDER -> {
                if (instrument == null) {
                    out.fail(Status.FAILED_PRECONDITION.withDescription("the first request of a Play stream must be open").asRuntimeException());
                    return;
                }
                instrument.render(request.getRender());
            }
            default -> out.send(SynthResponse.newBuilder().setError(SynthError.newBuilder()
                    .setMessage("empty request: set open or render")).build());
        }
    }

    private void open(OpenInstrument open) {
        if (instrument != null) {
            out.send(SynthResponse.newBuilder().setError(SynthError.newBuilder().setMessage("the instrument is already open")).build());
            return;
        }
        int sampleRate = open.getSampleRate();
        int frames = open.getBlockSize();
        String problem = null;
        InstrumentSettings settings = null;
        if (open.getSessionId().isBlank()) {
            problem = "open.session_id: is required";
        } else if (sampleRate < MixEngine.MIN_SAMPLE_RATE || sampleRate > MixEngine.MAX_SAMPLE_RATE) {
            problem = "open.sample_rate: " + sampleRate + " is outside " + MixEngine.MIN_SAMPLE_RATE + ".." + MixEngine.MAX_SAMPLE_RATE;
        } else if (frames < MixEngine.MIN_BLOCK || frames > MixEngine.MAX_BLOCK) {
            problem = "open.block_size: " + frames + " is outside " + MixEngine.MIN_BLOCK + ".." + MixEngine.MAX_BLOCK;
        } else if (!open.hasInstrument()) {
            problem = "open.instrument: is required";
        } else {
            try {
                settings = Instruments.fromProto(open.getInstrument(), sampleRate, "open.instrument");
            } catch (IllegalArgumentException e) {
                problem = e.getMessage();
            }
        }
        if (problem != null) {
            out.fail(Status.INVALID_ARGUMENT.withDescription(problem).asRuntimeException());
            return;
        }
        String key = open.getSessionId() + "/" + open.getTrackId();
        if (!context.admission().open(key)) {
            out.fail(Status.ALREADY_EXISTS.withDescription("instrument " + key + " is already open on this instance").asRuntimeException());
            return;
        }
        if (!context.admission().tryAcquire(settings.maxVoices())) {
            context.admission().close(key);
            out.fail(Status.RESOURCE_EXHAUSTED.withDescription("this instance carries " + context.admission().inUse() + " of its "
                    + context.admission().capacity() + " voices; the instrument's pool needs " + settings.maxVoices()).asRuntimeException());
            return;
        }
        instrument = new LiveInstrument(open.getSessionId(), open.getTrackId(), settings, sampleRate, frames, context.chain(),
                out, context.metrics(), context.admission(), context.workers(), context.inline());
        context.opened(instrument);
        out.send(SynthResponse.newBuilder().setOpened(InstrumentOpened.newBuilder()
                .setBackend(instrument.backend()).setIsa(context.backend().isa())).build());
    }

    @Override
    public void onError(Throwable t) {
        end();
    }

    @Override
    public void onCompleted() {
        if (instrument == null) {
            out.complete();
        }
        end();
    }

    private void end() {
        if (instrument != null) {
            context.closed(instrument);
            instrument.close();
        }
    }
}
