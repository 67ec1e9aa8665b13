package io.synguard.api;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.synguard.metrics.Metrics;

import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** The operator REST API on HTTP/1.1: started by {@link #start}, stopped by {@link #close}. */
public final class ApiServer implements AutoCloseable {
    /** Request bodies beyond this are refused with 413: a million-prefix import fits. */
    public static final int MAX_BODY = 64 << 20;

    private final EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoopGroup loop = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final ExecutorService endpoints = Executors.newVirtualThreadPerTaskExecutor();
    private final Channel channel;

    private ApiServer(InetSocketAddress listen, Router router, Tokens tokens, Audit audit) throws InterruptedException {
        try {
            ChannelFuture bound = new ServerBootstrap()
                    .group(boss, loop)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline()
                                    .addLast(new HttpServerCodec())
                                    .addLast(new JsonSizeLimit(MAX_BODY))
                                    .addLast(new ApiHandler(router, tokens, audit, endpoints));
                        }
                    })
                    .bind(listen).await();
            if (!bound.isSuccess()) {
                throw new IllegalStateException("cannot listen on " + listen.getHostString() + ":" + listen.getPort() + ": " + bound.cause().getMessage(),
                        bound.cause());
            }
            channel = bound.channel();
        } catch (InterruptedException | RuntimeException e) {
            boss.shutdownGracefully();
            loop.shutdownGracefully();
            endpoints.shutdownNow();
            throw e;
        }
    }

    /** Binds listen and serves service; an IllegalStateException says so if the address is taken. */
    public static ApiServer start(InetSocketAddress listen, Service service, Tokens tokens, Audit audit,
                                  Metrics metrics, boolean metricsPublic) throws InterruptedException {
        return new ApiServer(listen, new Endpoints(service, metrics, audit).router(metricsPublic), tokens, audit);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        endpoints.shutdown();
    }

    /**
     * The aggregator, answering an oversized body with the API's own 413, also when the client
     * waits for {@code 100 Continue} (curl does for large bodies), where Netty's would have no body.
     */
    private static final class JsonSizeLimit extends HttpObjectAggregator {
        JsonSizeLimit(int max) {
            super(max, true);
        }

        @Override
        protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
            Object response = super.newContinueResponse(start, maxContentLength, pipeline);
            if (response instanceof FullHttpResponse r && r.status().equals(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE)) {
                r.release();
                return tooLarge();
            }
            return response;
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            ctx.writeAndFlush(tooLarge()).addListener(ChannelFutureListener.CLOSE);
        }

        private static FullHttpResponse tooLarge() {
            byte[] body = ("{\"error\":\"too_large\",\"detail\":\"request bodies are limited to " + MAX_BODY
                    + " bytes\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, Unpooled.wrappedBuffer(body));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, Response.JSON);
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
            response.headers().set(HttpHeaderNames.CONNECTION, "close");
            return response;
        }
    }
}
