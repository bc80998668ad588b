package io.fleetplan.global.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A throwaway CA, a server certificate for 127.0.0.1 and a client certificate, made with the openssl CLI. */
final class TestCerts {

    final Path dir;

    private TestCerts(Path dir) {
        this.dir = dir;
    }

    /** Null when openssl is not on PATH (the caller skips with a reason). */
    static TestCerts make(Path dir, String clientName) throws IOException, InterruptedException {
        if (!run(dir, "openssl", "version")) {
            return null;
        }
        boolean ok = run(
                        dir,
                        "openssl",
                        "req",
                        "-x509",
                        "-newkey",
                        "ec",
                        "-pkeyopt",
                        "ec_paramgen_curve:prime256v1",
                        "-nodes",
                        "-keyout",
                        "ca.key",
                        "-out",
                        "ca.pem",
                        "-days",
                        "2",
                        "-subj",
                        "/CN=fleetplan-test-ca")
                && key(dir, "server")
                && key(dir, "client")
                && run(
                        dir,
                        "openssl",
                        "req",
                        "-new",
                        "-key",
                        "server.key",
                        "-out",
                        "server.csr",
                        "-subj",
                        "/CN=localhost")
                && run(
                        dir,
                        "openssl",
                        "req",
                        "-new",
                        "-key",
                        "client.key",
                        "-out",
                        "client.csr",
                        "-subj",
                        "/CN=" + clientName);
        Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        Files.writeString(dir.resolve("client.ext"), "subjectAltName=URI:spiffe://fleetplan.test/" + clientName + "\n");
        ok = ok
                && run(
                        dir,
                        "openssl",
                        "x509",
                        "-req",
                        "-in",
                        "server.csr",
                        "-CA",
                        "ca.pem",
                        "-CAkey",
                        "ca.key",
                        "-CAcreateserial",
                        "-out",
                        "server.pem",
                        "-days",
                        "2",
                        "-extfile",
                        "server.ext")
                && run(
                        dir,
                        "openssl",
                        "x509",
                        "-req",
                        "-in",
                        "client.csr",
                        "-CA",
                        "ca.pem",
                        "-CAkey",
                        "ca.key",
                        "-CAcreateserial",
                        "-out",
                        "client.pem",
                        "-days",
                        "2",
                        "-extfile",
                        "client.ext");
        return ok ? new TestCerts(dir) : null;
    }

    private static boolean key(Path dir, String name) throws IOException, InterruptedException {
        return run(
                dir,
                "openssl",
                "genpkey",
                "-algorithm",
                "EC",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-out",
                name + ".key");
    }

    private static boolean run(Path dir, String... cmd) throws IOException, InterruptedException {
        try {
            Process p = new ProcessBuilder(List.of(cmd))
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("openssl.log").toFile())
                    .start();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    Path file(String name) {
        return dir.resolve(name);
    }
}
