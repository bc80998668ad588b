package io.fleetplan.global.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.global.arbiter.TargetKey;
import io.fleetplan.global.config.GlobalPlannerConfig;
import io.fleetplan.global.core.Caller;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuthorizerTest {

    private final Authorizer auth = new Authorizer(
            List.of("team-a-pool"),
            List.of(
                    new GlobalPlannerConfig.Caller(
                            "a", Authorizer.sha256("token-a"), List.of(), List.of("team-a/*/decode", "shared/pool-x")),
                    new GlobalPlannerConfig.Caller("b", null, List.of("spiffe://fleet/b"), List.of("team-b"))));

    @Test
    void identifiesByTokenHashOrCertificateName() {
        assertThat(auth.identify(new Credentials("token-a", List.of())))
                .get()
                .extracting(Caller::name)
                .isEqualTo("a");
        assertThat(auth.identify(new Credentials(null, List.of("cn", "spiffe://fleet/b"))))
                .get()
                .extracting(Caller::name)
                .isEqualTo("b");
        assertThat(auth.identify(new Credentials("wrong", List.of()))).isEmpty();
        assertThat(auth.identify(Credentials.NONE)).isEmpty();
        assertThat(new Authorizer(null, List.of()).identify(Credentials.NONE)).contains(Caller.ANYONE);
    }

    @Test
    void targetPatternsCoverSegmentsAndEverythingBelow() {
        Caller a = auth.identify(new Credentials("token-a", List.of())).orElseThrow();
        Caller b = auth.identify(new Credentials(null, List.of("spiffe://fleet/b")))
                .orElseThrow();
        assertThat(auth.checkTargets(a, List.of(new TargetKey("team-a", "p1", "decode"))))
                .isEmpty();
        assertThat(auth.checkTargets(a, List.of(new TargetKey("team-a", "p1", "prefill"))))
                .get()
                .asString()
                .contains("caller 'a' may not scale team-a/p1/prefill");
        assertThat(auth.checkTargets(a, List.of(new TargetKey("shared", "pool-x", "anything"))))
                .isEmpty();
        assertThat(auth.checkTargets(b, List.of(new TargetKey("team-b", "x", "y"), new TargetKey("team-a", "x", "y"))))
                .get()
                .asString()
                .contains("team-a/x/y");
        assertThat(auth.mayWatch(a, "team-a/p1")).isTrue();
        assertThat(auth.mayWatch(a, "team-b/p1")).isFalse();
        assertThat(auth.mayWatch(b, "team-b/anything")).isTrue();
    }

    @Test
    void managedNamespacesIsDynamosAllowlist() {
        assertThat(auth.checkNamespace("team-a-pool")).isEmpty();
        assertThat(auth.checkNamespace("intruder"))
                .get()
                .asString()
                .isEqualTo("Namespace intruder not authorized (caller_namespace is not in managed_namespaces)");
        assertThat(new Authorizer(null, List.of()).checkNamespace("anyone")).isEmpty();
    }

    @Test
    void aCallersNamespaceIsItsConfiguredOneNotTheRequestsClaim() {
        Authorizer scoped = new Authorizer(
                List.of("team-a-pool", "team-b-pool"),
                List.of(new GlobalPlannerConfig.Caller(
                        "a", Authorizer.sha256("token-a"), List.of(), List.of("team-a"), false, "team-a-pool")));
        Caller a = scoped.identify(new Credentials("token-a", List.of())).orElseThrow();
        assertThat(a.namespace()).isEqualTo("team-a-pool");
        assertThat(scoped.checkNamespace(a, "team-a-pool")).isEmpty();
        assertThat(scoped.checkNamespace(a, ""))
                .as("no claim: its own namespace")
                .isEmpty();
        // team-b-pool is managed, but it is not a's: the request field alone must not get a in
        assertThat(scoped.checkNamespace(a, "team-b-pool"))
                .get()
                .asString()
                .contains("caller 'a' is namespace team-a-pool, not team-b-pool");
        Caller unscoped = auth.identify(new Credentials("token-a", List.of())).orElseThrow();
        assertThat(auth.checkNamespace(unscoped, "team-a-pool"))
                .as("no configured namespace: the claim")
                .isEmpty();
        assertThat(auth.checkNamespace(unscoped, "other")).isPresent();
    }
}
