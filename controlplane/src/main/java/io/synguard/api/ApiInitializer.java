package io.synguard.api;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.timeout.IdleStateHandler;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * One connection's pipeline, in the order a request meets it: the idle timeout, TLS, the HTTP codec,
 * the connection cap, the framing check, the head's judge, the body's aggregation, the endpoints.
 */
final class ApiInitializer extends ChannelInitializer<Channel> {
    static final String DECODER = "decoder";

    /** Room for a URI of {@value Framing#MAX_URI} bytes with the method and version around it. */
    private static final HttpDecoderConfig DECODING = new HttpDecoderConfig()
            .setMaxInitialLineLength(Framing.MAX_URI + 32)
            .setMaxHeaderSize(Framing.MAX_HEADERS);

    private final Access access;
    private final Audit audit;
    private final Executor workers;
    private final Tls tls;
    private final Admission admission;
    private final Duration idle;

    /** tls null for plain HTTP. */
    ApiInitializer(Access access, Audit audit, Executor workers, Tls tls, int maxConnections, Duration idle) {
        this.access = access;
        this.audit = audit;
        this.workers = workers;
        this.tls = tls;
        this.admission = new Admission(maxConnections);
        this.idle = idle;
    }

    @Override
    protected void initChannel(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        p.addLast("idle", new IdleStateHandler(0, 0, idle.toMillis(), TimeUnit.MILLISECONDS));
        if (tls != null) {
            p.addLast("tls", tls.current().newHandler(ch.alloc()));
        }
        p.addLast(DECODER, new RequestDecoder())
                .addLast("encoder", new HttpResponseEncoder())
                .addLast("admission", admission)
                .addLast("framing", new Framing(idle))
                .addLast("gate", new Gate(access))
                .addLast("body", new BodyLimit())
                .addLast("api", new ApiHandler(access, audit, workers));
    }

    /**
     * Netty's request decoder, but a request with both {@code Transfer-Encoding} and
     * {@code Content-Length} is a decoding failure (400) instead of having its length dropped: the
     * two ways to frame a body disagreeing is how requests are smuggled (RFC 9112, 6.3).
     */
    static final class RequestDecoder extends HttpRequestDecoder {
        RequestDecoder() {
            super(DECODING);
        }

        /** Whether it holds part of a request line or headers, not yet decoded. */
        boolean holdsPartOfAHead() {
            return actualReadableBytes() > 0;
        }

        @Override
        protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
            throw new IllegalArgumentException("a request with both Transfer-Encoding and Content-Length");
        }
    }
}
