package io.fleetplan.proto.net;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * A shared secret sent as {@code authorization: Bearer TOKEN}, the scheme the GlobalPlanner's callers use. The
 * server keeps only the token's SHA-256 and compares digests in constant time, so a token on disk or in a
 * Secret is the only copy of the secret.
 */
public final class SharedToken {

    /** The header the token travels in. */
    public static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final String sha256;

    private SharedToken(String sha256) {
        this.sha256 = sha256;
    }

    /** The token in {@code file} (surrounding whitespace and a trailing newline dropped). */
    public static String read(Path file, String option) {
        String token;
        try {
            token = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalArgumentException(option + ": cannot read " + file + ": " + e.getMessage(), e);
        }
        if (token.length() < 16 || !token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException(option + ": " + file + " must hold one token of at least 16 printable "
                    + "ASCII characters without spaces");
        }
        return token;
    }

    /** The check a server runs: the presented token must hash to the same digest as {@code token}. */
    public static SharedToken of(String token) {
        return new SharedToken(sha256Hex(token));
    }

    public static String sha256Hex(String s) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether an {@code authorization} header value carries this token. */
    public boolean accepts(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] presented = sha256Hex(authorization.substring(7).strip()).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(presented, sha256.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Rejects calls of {@code methods} (full gRPC method names) that do not carry the token with UNAUTHENTICATED;
     * other methods pass untouched.
     */
    public ServerInterceptor guarding(Set<String> methods, String what) {
        return new ServerInterceptor() {
            @Override
            public <Q, A> ServerCall.Listener<Q> interceptCall(
                    ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
                if (methods.contains(call.getMethodDescriptor().getFullMethodName())
                        && !accepts(headers.get(AUTHORIZATION))) {
                    call.close(
                            Status.UNAUTHENTICATED.withDescription(call.getMethodDescriptor()
                                            .getBareMethodName() + " needs 'authorization: Bearer TOKEN' with " + what),
                            new Metadata());
                    return new ServerCall.Listener<>() {};
                }
                return next.startCall(call, headers);
            }
        };
    }

    /** Client side: sends {@code token} on every call of a stub. */
    public static CallCredentials credentials(String token) {
        String header = "Bearer " + token;
        return new CallCredentials() {
            @Override
            public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
                Metadata m = new Metadata();
                m.put(AUTHORIZATION, header);
                applier.apply(m);
            }
        };
    }
}
