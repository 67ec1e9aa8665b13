package io.synguard.api;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.synguard.metrics.Metrics;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** The operator REST API on HTTP/1.1, or HTTPS: started by {@link #start}, stopped by {@link #close}. */
public final class ApiServer implements AutoCloseable {
    /** Request bodies beyond this are refused with 413: a million-prefix import fits. */
    public static final int MAX_BODY = 64 << 20;

    /**
     * How to serve.
     *
     * @param listen         where
     * @param tlsCert        the PEM certificate chain for HTTPS; null, with tlsKey, for plain HTTP
     * @param tlsKey         its PEM (PKCS#8) private key
     * @param insecureListen allow plain HTTP on an address other than loopback
     * @param maxConnections connections served at once; more are answered 503
     * @param idleTimeout    a connection idle, or a request stalled, this long is closed; a request gets this long
     *                       from its first byte to arrive whole, plus a second for each 64 KiB of body that arrived
     * @param metricsPublic  serve /metrics without the token
     */
    public record Config(InetSocketAddress listen, Path tlsCert, Path tlsKey, boolean insecureListen,
                         int maxConnections, Duration idleTimeout, boolean metricsPublic) {
        public static final int MAX_CONNECTIONS = 256;
        public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);

        public Config {
            if ((tlsCert == null) != (tlsKey == null)) {
                throw new IllegalArgumentException("--tls-cert and --tls-key go together");
            }
            if (listen.isUnresolved()) {
                throw new IllegalArgumentException("--listen: cannot resolve " + listen.getHostString());
            }
            if (maxConnections < 1) {
                throw new IllegalArgumentException("--max-connections must be at least 1, was " + maxConnections);
            }
            if (tlsCert == null && !insecureListen && !listen.getAddress().isLoopbackAddress()) {
                throw new IllegalArgumentException("refusing to serve the API in plain HTTP on "
                        + listen.getAddress().getHostAddress() + ": its token would cross the network in the clear."
                        + " Give --tls-cert and --tls-key, or --insecure-listen if that network is trusted");
            }
        }

        /** Plain HTTP on listen, with the default limits. */
        public static Config plain(InetSocketAddress listen) {
            return new Config(listen, null, null, false, MAX_CONNECTIONS, IDLE_TIMEOUT, false);
        }

        public Config withTls(Path cert, Path key) {
            return new Config(listen, cert, key, insecureListen, maxConnections, idleTimeout, metricsPublic);
        }

        public Config withMaxConnections(int max) {
            return new Config(listen, tlsCert, tlsKey, insecureListen, max, idleTimeout, metricsPublic);
        }

        public Config withIdleTimeout(Duration idle) {
            return new Config(listen, tlsCert, tlsKey, insecureListen, maxConnections, idle, metricsPublic);
        }

        public Config withMetricsPublic(boolean open) {
            return new Config(listen, tlsCert, tlsKey, insecureListen, maxConnections, idleTimeout, open);
        }

        /** http or https. */
        public String scheme() {
            return tlsCert == null ? "http" : "https";
        }
    }

    private final EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoopGroup loop = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final ExecutorService endpoints = Executors.newVirtualThreadPerTaskExecutor();
    private final Tls tls;
    private final Channel channel;

    private ApiServer(Config config, Router router, Tokens tokens, Audit audit) throws InterruptedException {
        try {
            tls = config.tlsCert() == null ? null : Tls.load(config.tlsCert(), config.tlsKey());
            ChannelFuture bound = new ServerBootstrap()
                    .group(boss, loop)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ApiInitializer(new Access(router, tokens), audit, endpoints, tls,
                            config.maxConnections(), config.idleTimeout()))
                    .bind(config.listen()).await();
            if (!bound.isSuccess()) {
                InetSocketAddress listen = config.listen();
                throw new IllegalStateException("cannot listen on " + listen.getHostString() + ":" + listen.getPort()
                        + ": " + bound.cause().getMessage(), bound.cause());
            }
            channel = bound.channel();
        } catch (InterruptedException | RuntimeException e) {
            boss.shutdownGracefully();
            loop.shutdownGracefully();
            endpoints.shutdownNow();
            throw e;
        }
    }

    /** Binds and serves service; an IllegalStateException says so if the address is taken or TLS unusable. */
    public static ApiServer start(Config config, Service service, Tokens tokens, Audit audit, Metrics metrics)
            throws InterruptedException {
        return new ApiServer(config, new Endpoints(service, metrics, audit).router(config.metricsPublic()), tokens, audit);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    /**
     * Reads the TLS certificate and key again, for the connections to come; throws, keeping the ones
     * in use, if they do not make a context. Nothing to do without TLS.
     */
    public void reloadTls() {
        if (tls != null) {
            tls.reload();
        }
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        // requests under way finish (their answers still need the event loops) before what they use closes
        endpoints.close();
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
