package io.synguard.api;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.synguard.dataplane.RuleTableFullException;

import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request to one response: routes it, checks the token, runs the endpoint off the event loop
 * (endpoints touch the kernel and the disk), maps failures to {@code {"error","detail"}} bodies.
 */
final class ApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);

    private final Router router;
    private final Tokens tokens;
    private final Audit audit;
    private final ExecutorService workers;

    ApiHandler(Router router, Tokens tokens, Audit audit, ExecutorService workers) {
        this.router = router;
        this.tokens = tokens;
        this.audit = audit;
        this.workers = workers;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest http) {
        boolean keepAlive = HttpUtil.isKeepAlive(http);
        InetSocketAddress peer = (InetSocketAddress) ctx.channel().remoteAddress();
        String method = http.method().name();
        String uri = http.uri();
        QueryStringDecoder query = new QueryStringDecoder(uri);
        String rawPath = uri.split("\\?", 2)[0];
        byte[] body = ByteBufUtil.getBytes(http.content());
        String authorization = http.headers().get(HttpHeaderNames.AUTHORIZATION);
        workers.execute(() -> {
            Request request = new Request(method, rawPath, java.util.List.of(), query.parameters(), body, peer, null);
            FullHttpResponse response;
            try {
                Router.Match match = router.match(method, rawPath);
                String tokenId = match.route().open() ? null : tokens.authenticate(authorization);
                request = new Request(method, rawPath, match.parameters(), query.parameters(), body, peer, tokenId);
                response = http(match.route().endpoint().serve(request));
            } catch (Router.MethodNotAllowed e) {
                response = http(Response.error(new ApiException(405, "method_not_allowed", e.getMessage())));
                response.headers().set(HttpHeaderNames.ALLOW, String.join(", ", e.allowed));
            } catch (ApiException e) {
                response = http(Response.error(e));
                if (e.status() == 401) {
                    response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
                }
            } catch (RuleTableFullException e) {
                response = http(Response.error(new ApiException(507, "full", e.getMessage())));
            } catch (IllegalArgumentException e) {
                response = http(Response.error(ApiException.badRequest(e.getMessage())));
            } catch (RuntimeException e) {
                LOG.error("{} {} failed", method, rawPath, e);
                response = http(Response.error(new ApiException(500, "internal", "internal error: " + e.getMessage())));
            }
            int status = response.status().code();
            if (status >= 400 && !method.equals("GET")) {
                audit.record(request, status, null, null);
            }
            write(ctx, response, keepAlive);
        });
    }

    private static FullHttpResponse http(Response r) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(r.status()), Unpooled.wrappedBuffer(r.body()));
        if (r.contentType() != null) {
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
        }
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
        return response;
    }

    private static void write(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("connection from {} failed", ctx.channel().remoteAddress(), cause);
        ctx.close();
    }
}
