package io.synguard.flowspec;

import apipb.Gobgp;
import apipb.GobgpApiGrpc;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.synguard.net.Family;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * gobgpd's global table through its gRPC API (the stubs generated from its own .proto files): paths
 * added with AddPath, withdrawn with DeletePath by the path itself (gobgpd 3.10 lists no UUIDs, so
 * this host's paths are known by its community), listed with ListPath.
 */
final class GobgpSpeaker implements Speaker {
    private final ManagedChannel channel;
    private final GobgpApiGrpc.GobgpApiBlockingStub stub;
    private final PathCodec codec;
    private final Duration deadline;

    GobgpSpeaker(String target, PathCodec codec, Duration deadline) {
        this.channel = NettyChannelBuilder.forTarget(target).usePlaintext().build();
        this.stub = GobgpApiGrpc.newBlockingStub(channel);
        this.codec = codec;
        this.deadline = deadline;
    }

    @Override
    public List<Held> ours() {
        List<Held> held = new ArrayList<>();
        for (Family f : Family.values()) {
            call("ListPath", () -> {
                Iterator<Gobgp.ListPathResponse> it = stub().listPath(Gobgp.ListPathRequest.newBuilder()
                        .setTableType(Gobgp.TableType.GLOBAL).setFamily(PathCodec.family(f)).build());
                while (it.hasNext()) {
                    for (Gobgp.Path p : it.next().getDestination().getPathsList()) {
                        if (local(p) && codec.ours(p)) {
                            held.add(new Held(codec.rule(p), p));
                        }
                    }
                }
                return null;
            });
        }
        return held;
    }

    @Override
    public void add(FlowRule rule) {
        call("AddPath", () -> stub().addPath(Gobgp.AddPathRequest.newBuilder().setTableType(Gobgp.TableType.GLOBAL)
                .setPath(codec.path(rule)).build()));
    }

    @Override
    public void withdraw(Held held) {
        Gobgp.Path p = held.path();
        call("DeletePath", () -> stub().deletePath(Gobgp.DeletePathRequest.newBuilder()
                .setTableType(Gobgp.TableType.GLOBAL).setFamily(p.getFamily())
                .setPath(Gobgp.Path.newBuilder().setFamily(p.getFamily()).setNlri(p.getNlri())
                        .addAllPattrs(p.getPattrsList())).build()));
    }

    /** A path this gobgpd originated, not one a peer sent. */
    private static boolean local(Gobgp.Path p) {
        return p.getNeighborIp().isEmpty() || p.getNeighborIp().equals("<nil>");
    }

    private GobgpApiGrpc.GobgpApiBlockingStub stub() {
        return stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static <T> T call(String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (StatusRuntimeException e) {
            throw new SpeakerException(what + ": " + e.getStatus().getCode() + (e.getStatus().getDescription() == null
                    ? "" : " (" + e.getStatus().getDescription() + ")"), e);
        }
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }
}
