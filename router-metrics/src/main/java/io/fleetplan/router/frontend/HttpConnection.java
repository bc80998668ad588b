package io.fleetplan.router.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One client connection behind Netty's HTTP/1.1 codec: collects each request's body (up to the limit; a larger
 * body is read to its end and dropped, so the client gets its 413 on a connection still in sync), then hands the
 * request to the dispatcher. Requests are answered one at a time in arrival order: a pipelined request waits,
 * with reading paused, until the one before it has been answered. Runs on the channel's event loop.
 *
 * <p>Each connection has one deadline for the phase it is in ({@link HttpLimits}): its headers must be complete
 * within the header timeout of their first byte (or of the accept, for the first request), its body within the
 * body timeout of the headers, and with no request in progress it is closed after the idle timeout. A request
 * that misses its deadline gets a 408 and the connection closes. While a response is being written (a stream
 * may last minutes) no deadline runs. HTTP versions other than 1.0 and 1.1 get a 505.
 */
final class HttpConnection extends ChannelInboundHandlerAdapter {

    private static final System.Logger LOG = System.getLogger(HttpConnection.class.getName());

    /** Where the connection is, for its deadline. */
    private enum Phase {
        IDLE,
        HEAD,
        BODY,
        BUSY
    }

    private final HttpLimits limits;
    private final Consumer<Exchange> dispatch;
    private final ArrayDeque<Exchange> waiting = new ArrayDeque<>();
    private HttpRequest head;
    private ByteBuf body;
    private boolean tooLarge;
    private Exchange current;
    private Channel channel;
    private ChannelHandlerContext context;
    private Phase phase = Phase.HEAD;
    private Future<?> deadline;

    /**
     * @param limits   body limit and timeouts; a body over the limit reaches the dispatcher as an exchange whose
     *                 {@code body} is null
     * @param dispatch takes each complete request; must not block the event loop
     */
    HttpConnection(HttpLimits limits, Consumer<Exchange> dispatch) {
        this.limits = limits;
        this.dispatch = dispatch;
    }

    /** The handler to put in front of the HTTP codec: it sees a request's first bytes, which start its deadline. */
    ChannelInboundHandlerAdapter firstBytes() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (phase == Phase.IDLE) {
                    enter(Phase.HEAD, limits.headerTimeoutMs());
                }
                ctx.fireChannelRead(msg);
            }
        };
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        context = ctx;
        // a new connection has the header timeout to send its first request
        enter(Phase.HEAD, limits.headerTimeoutMs());
    }

    private void enter(Phase next, long timeoutMs) {
        phase = next;
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
        if (timeoutMs > 0) {
            deadline = context.executor().schedule(this::expired, timeoutMs, TimeUnit.MILLISECONDS);
        }
    }

    private void expired() {
        deadline = null;
        switch (phase) {
            case IDLE -> channel.close();
            case HEAD ->
                reject(
                        HttpResponseStatus.REQUEST_TIMEOUT,
                        new ApiError(
                                408,
                                "invalid_request_error",
                                "The request headers did not arrive within " + limits.headerTimeoutMs() + " ms",
                                null,
                                "request_timeout",
                                "validation",
                                null));
            case BODY ->
                reject(
                        HttpResponseStatus.REQUEST_TIMEOUT,
                        new ApiError(
                                408,
                                "invalid_request_error",
                                "The request body did not arrive within " + limits.bodyTimeoutMs() + " ms",
                                null,
                                "request_timeout",
                                "validation",
                                null));
            case BUSY -> {}
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest req) {
                if (req.decoderResult().isFailure()) {
                    malformed(req.decoderResult().cause());
                    return;
                }
                if (!req.protocolVersion().equals(HttpVersion.HTTP_1_1)
                        && !req.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
                    reject(
                            HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED,
                            new ApiError(
                                    505,
                                    "invalid_request_error",
                                    "HTTP version " + req.protocolVersion().text()
                                            + " is not supported; use HTTP/1.1 or " + "HTTP/1.0",
                                    null,
                                    "http_version_not_supported",
                                    "validation",
                                    null));
                    return;
                }
                if (phase != Phase.BUSY) {
                    enter(Phase.BODY, limits.bodyTimeoutMs());
                }
                head = req;
                tooLarge = HttpUtil.getContentLength(req, -1L) > limits.maxBodyBytes();
                body = tooLarge ? null : ctx.alloc().heapBuffer();
                if (!tooLarge && HttpUtil.is100ContinueExpected(req)) {
                    ctx.writeAndFlush(new DefaultFullHttpResponse(
                            req.protocolVersion(), HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER));
                }
            }
            if (msg instanceof HttpContent c && head != null) {
                if (c.decoderResult().isFailure()) {
                    malformed(c.decoderResult().cause());
                    return;
                }
                if (!tooLarge) {
                    if (body.readableBytes() + c.content().readableBytes() > limits.maxBodyBytes()) {
                        tooLarge = true;
                        body.release();
                        body = null;
                    } else {
                        body.writeBytes(c.content());
                    }
                }
                if (c instanceof LastHttpContent) {
                    complete(ctx);
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void complete(ChannelHandlerContext ctx) {
        byte[] bytes = null;
        if (body != null) {
            bytes = ByteBufUtil.getBytes(body);
            body.release();
            body = null;
        }
        HttpRequest req = head;
        head = null;
        Exchange ex = new Exchange(
                ctx.channel(),
                req.method().name(),
                new QueryStringDecoder(req.uri()).path(),
                bytes,
                req.protocolVersion(),
                HttpUtil.isKeepAlive(req),
                this::next);
        if (current == null) {
            start(ex);
        } else {
            waiting.add(ex);
            channel.config().setAutoRead(false);
        }
    }

    private void start(Exchange ex) {
        current = ex;
        enter(Phase.BUSY, 0);
        dispatch.accept(ex);
    }

    /** The current response is written: answer the next waiting request, or read again. */
    private void next() {
        current = null;
        Exchange ex = waiting.poll();
        if (ex != null) {
            start(ex);
        } else if (head != null) {
            // the next request's headers came while this one was answered; its body is still on its way
            enter(Phase.BODY, limits.bodyTimeoutMs());
        } else {
            enter(Phase.IDLE, limits.idleTimeoutMs());
        }
        if (waiting.isEmpty()) {
            // reading may have been paused for pipelined requests
            channel.config().setAutoRead(true);
        }
    }

    /** A request the codec could not parse: answer and close, the connection is out of sync. */
    private void malformed(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            reject(
                    HttpResponseStatus.REQUEST_URI_TOO_LONG,
                    new ApiError(
                            414,
                            "invalid_request_error",
                            "The request line is longer than " + FrontendServer.MAX_INITIAL_LINE + " bytes",
                            null,
                            "uri_too_long",
                            "validation",
                            null));
        } else if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
            reject(
                    HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                    new ApiError(
                            431,
                            "invalid_request_error",
                            "The request headers are larger than " + FrontendServer.MAX_HEADER_BYTES + " bytes",
                            null,
                            "headers_too_large",
                            "validation",
                            null));
        } else {
            reject(
                    HttpResponseStatus.BAD_REQUEST,
                    ApiError.invalid(null, "Malformed HTTP request: " + cause.getMessage()));
        }
    }

    /** Answers a request that cannot be served on this connection with an OpenAI-shaped error, then closes. */
    private void reject(HttpResponseStatus status, ApiError e) {
        enter(Phase.BUSY, 0);
        if (current != null) {
            // a response is being written on this connection: it cannot be interleaved with another
            LOG.log(
                    System.Logger.Level.WARNING,
                    "closing connection " + channel.remoteAddress() + " while a response "
                            + "is written: the next request on it failed (" + e.getMessage() + ")");
            channel.close();
            return;
        }
        byte[] bytes = OpenAiJson.error(e).getBytes(StandardCharsets.UTF_8);
        DefaultFullHttpResponse r =
                new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
        r.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        channel.config().setAutoRead(false);
        channel.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
        if (body != null) {
            body.release();
            body = null;
        }
        if (current != null) {
            current.markGone();
        }
        waiting.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // connection reset and the like: the client is gone; channelInactive cancels its request. Anything else
        // closes a connection a client may still wait on (it sees the connection end with no response): say so
        if (!(cause instanceof IOException)) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "closing connection " + ctx.channel().remoteAddress() + " (" + phase
                            + (current != null ? ", a response in progress" : "") + ") after an error",
                    cause);
        }
        ctx.close();
    }
}
