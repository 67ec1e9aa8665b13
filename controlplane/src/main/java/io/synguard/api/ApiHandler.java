package io.synguard.api;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.synguard.dataplane.RuleTableFullException;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a connection's requests one at a time, in the order they came: each runs on a worker
 * (endpoints touch the kernel and the disk), the next only once the last is answered. Refusals
 * from the handlers before it take their turn the same way. Failures become
 * {@code {"error","detail"}} bodies; every answer over 399 is audited.
 */
final class ApiHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
    /** Requests read ahead of the one being served before reading pauses. */
    private static final int READ_AHEAD = 8;
    /** Body bytes read ahead before reading pauses, so that pipelined bulk imports cannot fill the heap. */
    static final long READ_AHEAD_BYTES = 1 << 20;
    /** How long a closing connection's unread input is drained, so that the client reads its answer. */
    private static final long LINGER_MS = 2000;

    private final Access access;
    private final Audit audit;
    private final Executor workers;
    /** {@link Incoming} requests and {@link Refusal}s, in order. */
    private final Queue<Object> waiting = new ArrayDeque<>();
    /** Body bytes of the {@link Incoming} requests in waiting. */
    private long waitingBytes;
    private boolean busy;
    private boolean closing;
    /** The streamed answer being written; null when none is. */
    private ChunkedAnswer streaming;

    ApiHandler(Access access, Audit audit, Executor workers) {
        this.access = access;
        this.audit = audit;
        this.workers = workers;
    }

    /**
     * A request whole, copied off its buffer.
     *
     * @param http10 an HTTP/1.0 request, which cannot take a chunked body: a streamed one ends with the connection
     */
    private record Incoming(String method, String uri, String authorization, boolean keepAlive, boolean http10,
                            byte[] body) {
        static Incoming of(FullHttpRequest http) {
            return new Incoming(http.method().name(), http.uri(), http.headers().get(HttpHeaderNames.AUTHORIZATION),
                    HttpUtil.isKeepAlive(http), http.protocolVersion().equals(HttpVersion.HTTP_1_0),
                    ByteBufUtil.getBytes(http.content()));
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (closing) {
                return;
            }
            switch (msg) {
                case FullHttpRequest http -> {
                    Incoming in = Incoming.of(http);
                    waiting.add(in);
                    waitingBytes += in.body().length;
                }
                case Refusal refusal -> waiting.add(refusal);
                default -> {
                    return;
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
        next(ctx);
        if (waiting.size() >= READ_AHEAD || waitingBytes >= READ_AHEAD_BYTES) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    private void next(ChannelHandlerContext ctx) {
        while (!busy && !closing) {
            Object item = waiting.poll();
            if (item == null) {
                ctx.channel().config().setAutoRead(true);
                return;
            }
            if (item instanceof Refusal r) {
                Request request = new Request(r.method(), r.path(), List.of(), Map.of(), new byte[0], peer(ctx),
                        r.reason() instanceof ApiException e ? e.tokenId() : null);
                write(ctx, refused(request, r.reason()), r.close());
            } else {
                busy = true;
                Incoming in = (Incoming) item;
                waitingBytes -= in.body().length;
                workers.execute(() -> {
                    Object response = null;
                    try {
                        response = serve(in, peer(ctx));
                    } catch (Error e) {
                        LOG.error("{} {} failed; its connection ends", in.method(), in.uri(), e);
                        throw e;
                    } finally {
                        Object answer = response;
                        onLoop(ctx, () -> answered(ctx, answer, in));
                    }
                });
            }
        }
    }

    /**
     * Writes a worker's answer (a {@link FullHttpResponse}, or a {@link Streamed} one) and goes on;
     * none means the endpoint threw an Error, and the connection ends.
     */
    private void answered(ChannelHandlerContext ctx, Object answer, Incoming in) {
        switch (answer) {
            case null -> {
                busy = false;
                ctx.close();
            }
            case Streamed s -> {
                boolean keepAlive = in.keepAlive() && !in.http10();
                HttpUtil.setTransferEncodingChunked(s.head(), !in.http10());
                s.head().headers().set(HttpHeaderNames.CONNECTION,
                        keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
                streaming = new ChunkedAnswer(ctx, workers, s.chunks(), in.method() + " " + in.uri(), whole -> {
                    streaming = null;
                    busy = false;
                    if (!whole) {
                        return;
                    }
                    if (keepAlive) {
                        next(ctx);
                    } else {
                        closeAfterAnswer(ctx);
                        linger(ctx.channel());
                    }
                });
                streaming.start(s.head());
            }
            default -> {
                busy = false;
                write(ctx, (FullHttpResponse) answer, !in.keepAlive());
                next(ctx);
            }
        }
    }

    /** A head whose body a {@link ChunkedAnswer} writes. */
    private record Streamed(HttpResponse head, Response.Chunks chunks) {}

    /** The answer to a request: a {@link FullHttpResponse}, or a {@link Streamed} one. */
    private Object serve(Incoming in, InetSocketAddress peer) {
        Request request = new Request(in.method(), Access.pathOf(in.uri()), List.of(), Map.of(), in.body(), peer, null);
        try {
            Access.Admitted admitted = access.check(in.method(), in.uri(), in.authorization());
            request = new Request(in.method(), admitted.path(), admitted.match().parameters(), admitted.query(),
                    in.body(), peer, admitted.tokenId());
            Response r = admitted.match().route().endpoint().serve(request);
            if (r.chunks() == null) {
                return http(r);
            }
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(r.status()));
            head.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
            r.headers().forEach(head.headers()::set);
            return new Streamed(head, r.chunks());
        } catch (RuntimeException e) {
            return refused(request, e);
        }
    }

    /** The answer to a request refused for reason, audited. */
    private FullHttpResponse refused(Request request, RuntimeException reason) {
        FullHttpResponse response = switch (reason) {
            case Router.MethodNotAllowed e -> {
                FullHttpResponse r = http(Response.error(new ApiException(405, "method_not_allowed", e.getMessage())));
                r.headers().set(HttpHeaderNames.ALLOW, String.join(", ", e.allowed));
                yield r;
            }
            case ApiException e -> {
                FullHttpResponse r = http(Response.error(e));
                if (e.status() == 401) {
                    r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
                } else if (e.status() == 503) {
                    r.headers().setInt(HttpHeaderNames.RETRY_AFTER, 1);
                }
                yield r;
            }
            case RuleTableFullException e -> http(Response.error(new ApiException(507, "full", e.getMessage())));
            case IllegalArgumentException e -> http(Response.error(ApiException.badRequest(e.getMessage())));
            default -> {
                LOG.error("{} {} failed", request.method(), request.path(), reason);
                yield http(Response.error(new ApiException(500, "internal", "internal error: " + reason.getMessage())));
            }
        };
        audit.refused(request, response.status().code(), reason.getMessage());
        if ("HEAD".equals(request.method())) {
            FullHttpResponse bodiless = response.replace(Unpooled.EMPTY_BUFFER);
            response.release();
            return bodiless;
        }
        return response;
    }

    private static FullHttpResponse http(Response r) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(r.status()), Unpooled.wrappedBuffer(r.body()));
        if (r.contentType() != null) {
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
        }
        r.headers().forEach(response.headers()::set);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
        return response;
    }

    private void write(ChannelHandlerContext ctx, FullHttpResponse response, boolean close) {
        if (!close) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
            return;
        }
        closeAfterAnswer(ctx);
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(written -> linger(ctx.channel()));
    }

    /** This connection's last answer is being written: nothing more is read or served. */
    private void closeAfterAnswer(ChannelHandlerContext ctx) {
        closing = true;
        waiting.clear();
        Refusal.stopReading(ctx);
    }

    /**
     * Closes after an answer: the sending side at once, the connection once the client closes its own
     * or {@value #LINGER_MS} ms on, draining its input meanwhile; closed at once, a socket with unread
     * input would reset, and the client might never read its answer.
     */
    private static void linger(Channel channel) {
        SslHandler tls = channel.pipeline().get(SslHandler.class);
        if (tls != null) {
            tls.closeOutbound();
        } else if (channel instanceof DuplexChannel duplex) {
            duplex.shutdownOutput();
        } else {
            channel.close();
            return;
        }
        channel.eventLoop().schedule(() -> channel.close(), LINGER_MS, TimeUnit.MILLISECONDS);
    }

    /** Runs task on ctx's event loop: at once when already there. */
    private static void onLoop(ChannelHandlerContext ctx, Runnable task) {
        if (ctx.executor().inEventLoop()) {
            task.run();
        } else {
            ctx.executor().execute(task);
        }
    }

    private static InetSocketAddress peer(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a : null;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent && !busy && waiting.isEmpty()) {
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (streaming != null) {
            streaming.writabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        waiting.clear();
        if (streaming != null) {
            streaming.abandon();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("connection from {} failed", ctx.channel().remoteAddress(), cause);
        ctx.close();
    }
}
