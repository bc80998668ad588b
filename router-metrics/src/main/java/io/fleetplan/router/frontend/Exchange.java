package io.fleetplan.router.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.Future;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP request read in full and its response on the connection's Netty channel. The response is written
 * from whichever thread has it (the request's virtual thread, or the gRPC transport thread that relays tokens):
 * Netty keeps writes of one channel in order, and one request never writes from two threads at once (the
 * token relay ends before the request thread writes the end of the stream).
 */
final class Exchange {

    final String method;
    final String path;
    /** The request body, or null when it was over the limit; cleared by {@link #takeBody()}. */
    private byte[] body;

    private final boolean bodyTooLarge;
    private final Channel channel;
    private final boolean keepAlive;
    private final HttpVersion version;
    private final Runnable onDone;
    private final HttpHeaders responseHeaders = new DefaultHttpHeaders();
    private volatile int status = -1;
    private volatile boolean gone;
    private volatile Runnable onGone;

    /**
     * @param onDone runs on the channel's event loop once the whole response is written (the connection may then
     *               read the next request)
     */
    Exchange(
            Channel channel,
            String method,
            String path,
            byte[] body,
            HttpVersion version,
            boolean keepAlive,
            Runnable onDone) {
        this.channel = channel;
        this.method = method;
        this.path = path;
        this.body = body;
        this.bodyTooLarge = body == null;
        this.version = version;
        this.keepAlive = keepAlive;
        this.onDone = onDone;
    }

    /** The body was over the limit (and dropped). */
    boolean bodyTooLarge() {
        return bodyTooLarge;
    }

    /**
     * The request body, handed over once: the exchange lives as long as its response (seconds for a stream), and
     * a body kept that long is garbage the collector copies at every pause until it ends.
     */
    byte[] takeBody() {
        byte[] b = body;
        body = null;
        return b;
    }

    /** Status sent, or -1 while the response has not started. */
    int status() {
        return status;
    }

    /** The client closed the connection. */
    boolean gone() {
        return gone;
    }

    /** Runs once when the client goes away before the response ended (at once if it already has). */
    void onGone(Runnable action) {
        onGone = action;
        if (gone) {
            action.run();
        }
    }

    /** Called by the connection when the channel closed. */
    void markGone() {
        if (!gone) {
            gone = true;
            Runnable r = onGone;
            if (r != null) {
                r.run();
            }
        }
    }

    /** Set before the response starts. */
    void header(String name, String value) {
        responseHeaders.set(name, value);
    }

    /** The event loop that owns this connection: writes from it go out inline. */
    EventLoop loop() {
        return channel.eventLoop();
    }

    ByteBufAllocator alloc() {
        return channel.alloc();
    }

    /** A complete response with a body. */
    void respond(int code, String contentType, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        status = code;
        DefaultFullHttpResponse r =
                new DefaultFullHttpResponse(version, HttpResponseStatus.valueOf(code), Unpooled.wrappedBuffer(bytes));
        r.headers()
                .set(responseHeaders)
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        connectionHeader(r);
        channel.writeAndFlush(r).addListener(this::ended);
    }

    /** Starts a chunked response (SSE); the headers leave with the first chunk. */
    void startStream(String contentType) {
        status = 200;
        DefaultHttpResponse r = new DefaultHttpResponse(version, HttpResponseStatus.OK);
        r.headers()
                .set(responseHeaders)
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
                .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        connectionHeader(r);
        channel.write(r);
    }

    /** One chunk of a started stream, flushed at once (each SSE event must reach the client now). */
    void send(ByteBuf chunk) {
        channel.writeAndFlush(new DefaultHttpContent(chunk), channel.voidPromise());
    }

    /**
     * One chunk of a started stream that already carries its chunked-encoding framing ({@link #chunkFraming}),
     * flushed at once. It is written below the HTTP encoder, which would otherwise wrap each chunk in three
     * buffers (size line, content, CRLF) and a message object: per token, that was most of what the write cost.
     * The encoder's state is untouched (it stays in its chunked-content state until {@link #endStream}), and Netty
     * keeps the order of writes to one channel whichever context they enter at.
     */
    void sendFramedChunk(ByteBuf framed) {
        ChannelHandlerContext codec = channel.pipeline().firstContext();
        if (codec == null) { // the channel closed and its pipeline was taken down: nothing to write to
            framed.release();
            return;
        }
        codec.writeAndFlush(framed, channel.voidPromise());
    }

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    /** Bytes the chunk framing adds around {@code size} bytes of content: hex size, CRLF, then CRLF after. */
    static int chunkFraming(int size) {
        return hexDigits(size) + 4;
    }

    private static int hexDigits(int size) {
        return Math.max(1, (35 - Integer.numberOfLeadingZeros(size)) / 4);
    }

    /** Writes the size line of a chunk of {@code size} bytes (content and the closing CRLF follow). */
    static void writeChunkHead(ByteBuf buf, int size) {
        for (int shift = (hexDigits(size) - 1) * 4; shift >= 0; shift -= 4) {
            buf.writeByte(HEX[(size >>> shift) & 0xF]);
        }
        buf.writeByte('\r').writeByte('\n');
    }

    void send(String text) {
        send(Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Ends a started stream. */
    void endStream() {
        channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(this::ended);
    }

    private void connectionHeader(HttpResponse r) {
        if (!keepAlive) {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (version.equals(HttpVersion.HTTP_1_0)) {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
    }

    private void ended(Future<? super Void> f) {
        if (!keepAlive || !f.isSuccess()) {
            channel.close();
            return;
        }
        onDone.run();
    }
}
