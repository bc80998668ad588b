package io.fleetplan.global.service;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Puts the request's {@link Credentials} into the gRPC context: the bearer token from the {@code authorization}
 * header and the names of a verified client certificate (subject CN, DNS and URI SANs such as SPIFFE ids).
 */
public final class CallerInterceptor implements ServerInterceptor {

    public static final Context.Key<Credentials> CREDENTIALS = Context.key("fleetplan-credentials");
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        String auth = headers.get(AUTHORIZATION);
        String token = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)
                ? auth.substring(7).trim()
                : null;
        List<String> names = certificateNames(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
        Context ctx = Context.current().withValue(CREDENTIALS, new Credentials(token, names));
        return Contexts.interceptCall(ctx, call, headers, next);
    }

    static List<String> certificateNames(SSLSession session) {
        List<String> names = new ArrayList<>();
        if (session == null) {
            return names;
        }
        try {
            Certificate[] chain = session.getPeerCertificates();
            if (chain.length > 0 && chain[0] instanceof X509Certificate x) {
                String dn = x.getSubjectX500Principal().getName();
                for (String part : dn.split(",")) {
                    if (part.startsWith("CN=")) {
                        names.add(part.substring(3));
                    }
                }
                Collection<List<?>> sans = x.getSubjectAlternativeNames();
                if (sans != null) {
                    for (List<?> san : sans) {
                        // 2 = DNS name, 6 = URI (SPIFFE ids are URIs)
                        if (san.size() >= 2
                                && (Integer.valueOf(2).equals(san.get(0))
                                        || Integer.valueOf(6).equals(san.get(0)))) {
                            names.add(String.valueOf(san.get(1)));
                        }
                    }
                }
            }
        } catch (SSLPeerUnverifiedException | CertificateParsingException e) {
            // no verified client certificate: the caller has to use a bearer token
        }
        return names;
    }
}
