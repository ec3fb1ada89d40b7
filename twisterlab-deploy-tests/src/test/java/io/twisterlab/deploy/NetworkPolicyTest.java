package io.twisterlab.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The network policies are default-deny and every allow rule refers to pods and ports that exist: the
 * original's policies matched no pods and opened ports nothing listened on.
 */
class NetworkPolicyTest {

    private final Manifests m = Manifests.base();

    private static final Map<String, String> API = Map.of("app", "twisterlab", "component", "api");
    private static final Map<String, String> REDIS = Map.of("app", "twisterlab", "component", "redis");

    /** Peers outside the namespace that may be allowed, by namespace name, with the ports they may use. */
    private static final Map<String, Set<Integer>> EXTERNAL_EGRESS = Map.of("kube-system", Set.of(53));
    private static final Set<String> EXTERNAL_INGRESS_NAMESPACES = Set.of("ingress-nginx", "monitoring");

    @Test
    void theExpectedPoliciesExist() {
        assertThat(m.networkPolicies()).extracting(p -> p.getMetadata().getName())
                .containsExactlyInAnyOrder("default-deny", "allow-core-api-ingress", "allow-prometheus-scrape",
                        "allow-api-to-redis", "allow-redis-from-api", "allow-dns-egress");
    }

    @Test
    void defaultDenyCoversIngressAndEgressOfEveryPod() {
        NetworkPolicy deny = m.one(NetworkPolicy.class, "default-deny");
        assertThat(Manifests.isEmpty(deny.getSpec().getPodSelector())).as("selects every pod").isTrue();
        assertThat(deny.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
        assertThat(Optional.ofNullable(deny.getSpec().getIngress()).orElse(List.of())).as("no ingress rule").isEmpty();
        assertThat(Optional.ofNullable(deny.getSpec().getEgress()).orElse(List.of())).as("no egress rule").isEmpty();
        assertThat(m.podsMatching(deny.getSpec().getPodSelector())).hasSameSizeAs(m.pods());
    }

    @Test
    void everyPolicySelectsPodsThatExistAndDeclaresItsTypes() {
        for (NetworkPolicy p : m.networkPolicies()) {
            String name = p.getMetadata().getName();
            assertThat(m.podsMatching(p.getSpec().getPodSelector())).as("pods selected by %s", name).isNotEmpty();
            assertThat(p.getSpec().getPolicyTypes()).as("policyTypes of %s", name).isNotEmpty();
            if (p.getSpec().getIngress() != null && !p.getSpec().getIngress().isEmpty()) {
                assertThat(p.getSpec().getPolicyTypes()).as(name).contains("Ingress");
            }
            if (p.getSpec().getEgress() != null && !p.getSpec().getEgress().isEmpty()) {
                assertThat(p.getSpec().getPolicyTypes()).as(name).contains("Egress");
            }
        }
    }

    @Test
    void ingressRulesOpenOnlyRealContainerPortsToNamedPeers() {
        for (NetworkPolicy p : m.networkPolicies()) {
            String name = p.getMetadata().getName();
            List<Manifests.Pod> targets = m.podsMatching(p.getSpec().getPodSelector());
            for (NetworkPolicyIngressRule rule : Optional.ofNullable(p.getSpec().getIngress()).orElse(List.of())) {
                assertThat(rule.getFrom()).as("%s: an ingress rule without 'from' admits everyone", name).isNotEmpty();
                assertThat(rule.getPorts()).as("%s: an ingress rule without ports opens every port", name).isNotEmpty();
                for (NetworkPolicyPort port : rule.getPorts()) {
                    String protocol = Optional.ofNullable(port.getProtocol()).orElse("TCP");
                    assertThat(targets).as("%s: port %s/%s must be a container port of %s", name, port.getPort(),
                            protocol, Manifests.describe(targets)).allMatch(pod -> pod.hasPort(port.getPort(), protocol));
                }
                for (NetworkPolicyPeer peer : rule.getFrom()) {
                    checkPeer(name, peer, EXTERNAL_INGRESS_NAMESPACES);
                }
            }
        }
    }

    @Test
    void egressRulesGoToRealPodsPortsOrToClusterDnsOnly() {
        for (NetworkPolicy p : m.networkPolicies()) {
            String name = p.getMetadata().getName();
            for (NetworkPolicyEgressRule rule : Optional.ofNullable(p.getSpec().getEgress()).orElse(List.of())) {
                assertThat(rule.getTo()).as("%s: an egress rule without 'to' allows everything", name).isNotEmpty();
                assertThat(rule.getPorts()).as("%s: an egress rule without ports", name).isNotEmpty();
                for (NetworkPolicyPeer peer : rule.getTo()) {
                    checkPeer(name, peer, EXTERNAL_EGRESS.keySet());
                    if (peer.getNamespaceSelector() == null) {
                        List<Manifests.Pod> peers = m.podsMatching(peer.getPodSelector());
                        for (NetworkPolicyPort port : rule.getPorts()) {
                            String protocol = Optional.ofNullable(port.getProtocol()).orElse("TCP");
                            assertThat(peers).as("%s: egress port %s must be a container port of %s", name,
                                    port.getPort(), Manifests.describe(peers))
                                    .allMatch(pod -> pod.hasPort(port.getPort(), protocol));
                        }
                    } else {
                        String ns = namespaceName(peer.getNamespaceSelector());
                        assertThat(rule.getPorts()).as("%s: ports to namespace %s", name, ns)
                                .allSatisfy(port -> assertThat(EXTERNAL_EGRESS.get(ns)).contains(port.getPort().getIntVal()));
                    }
                }
            }
        }
    }

    @Test
    void apiPodsAcceptTrafficOnlyFromTheIngressControllerAndPrometheus() {
        Set<String> sources = new HashSet<>();
        for (NetworkPolicy p : m.networkPolicies()) {
            if (!m.podsMatching(p.getSpec().getPodSelector()).stream().anyMatch(pod -> Manifests.matches(API, pod.labels()))) {
                continue;
            }
            for (NetworkPolicyIngressRule rule : Optional.ofNullable(p.getSpec().getIngress()).orElse(List.of())) {
                for (NetworkPolicyPeer peer : rule.getFrom()) {
                    assertThat(peer.getIpBlock()).as("%s: no ipBlock to the API", p.getMetadata().getName()).isNull();
                    assertThat(peer.getNamespaceSelector()).as("%s: only other namespaces' named pods",
                            p.getMetadata().getName()).isNotNull();
                    sources.add(namespaceName(peer.getNamespaceSelector()) + "/"
                            + peer.getPodSelector().getMatchLabels().get("app.kubernetes.io/name"));
                }
                assertThat(rule.getPorts()).allSatisfy(port -> assertThat(port.getPort().getIntVal()).isEqualTo(8000));
            }
        }
        assertThat(sources).containsExactlyInAnyOrder("ingress-nginx/ingress-nginx", "monitoring/prometheus");
        assertThat(m.one(NetworkPolicy.class, "allow-core-api-ingress").getSpec().getIngress())
                .flatMap(NetworkPolicyIngressRule::getFrom)
                .allSatisfy(peer -> assertThat(namespaceName(peer.getNamespaceSelector())).isEqualTo("ingress-nginx"));
        assertThat(m.one(NetworkPolicy.class, "allow-prometheus-scrape").getSpec().getIngress())
                .flatMap(NetworkPolicyIngressRule::getFrom)
                .allSatisfy(peer -> assertThat(namespaceName(peer.getNamespaceSelector())).isEqualTo("monitoring"));
    }

    @Test
    @SuppressWarnings("ReferenceEquality") // skips the one policy instance checked above
    void apiToRedisIsAllowedOnBothSidesAndNothingElseReachesRedis() {
        NetworkPolicy egress = m.one(NetworkPolicy.class, "allow-api-to-redis");
        assertThat(Manifests.matches(egress.getSpec().getPodSelector(), API)).isTrue();
        assertThat(egress.getSpec().getPolicyTypes()).containsExactly("Egress");
        assertThat(egress.getSpec().getEgress()).singleElement().satisfies(rule -> {
            assertThat(rule.getTo()).singleElement().satisfies(peer ->
                    assertThat(Manifests.matches(peer.getPodSelector(), REDIS)).isTrue());
            assertThat(rule.getPorts()).extracting(port -> port.getPort().getIntVal()).containsExactly(6379);
        });

        NetworkPolicy ingress = m.one(NetworkPolicy.class, "allow-redis-from-api");
        assertThat(Manifests.matches(ingress.getSpec().getPodSelector(), REDIS)).isTrue();
        assertThat(ingress.getSpec().getPolicyTypes()).containsExactly("Ingress");
        assertThat(ingress.getSpec().getIngress()).singleElement().satisfies(rule -> {
            assertThat(rule.getFrom()).singleElement().satisfies(peer -> {
                assertThat(peer.getNamespaceSelector()).isNull();
                assertThat(Manifests.matches(peer.getPodSelector(), API)).isTrue();
                assertThat(Manifests.matches(peer.getPodSelector(), REDIS)).isFalse();
            });
            assertThat(rule.getPorts()).extracting(port -> port.getPort().getIntVal()).containsExactly(6379);
        });
        // Redis is reachable only through that rule
        for (NetworkPolicy p : m.networkPolicies()) {
            if (p != ingress && Manifests.matches(p.getSpec().getPodSelector(), REDIS)) {
                assertThat(Optional.ofNullable(p.getSpec().getIngress()).orElse(List.of()))
                        .as("%s admits traffic to Redis", p.getMetadata().getName()).isEmpty();
            }
        }
    }

    @Test
    void everyPodMayResolveNames() {
        NetworkPolicy dns = m.one(NetworkPolicy.class, "allow-dns-egress");
        assertThat(m.podsMatching(dns.getSpec().getPodSelector())).hasSameSizeAs(m.pods());
        assertThat(dns.getSpec().getEgress()).singleElement().satisfies(rule -> {
            assertThat(rule.getPorts()).extracting(NetworkPolicyPort::getProtocol).containsExactlyInAnyOrder("UDP", "TCP");
            assertThat(rule.getTo()).singleElement().satisfies(peer -> {
                assertThat(namespaceName(peer.getNamespaceSelector())).isEqualTo("kube-system");
                assertThat(peer.getPodSelector().getMatchLabels()).containsEntry("k8s-app", "kube-dns");
            });
        });
    }

    /** Peers in our namespace must select our pods; peers elsewhere must name their namespace and pods. */
    private void checkPeer(String policy, NetworkPolicyPeer peer, Set<String> allowedNamespaces) {
        assertThat(peer.getIpBlock()).as("%s: ipBlock peers are not used", policy).isNull();
        if (peer.getNamespaceSelector() == null) {
            assertThat(peer.getPodSelector()).as("%s: peer without selector", policy).isNotNull();
            assertThat(m.podsMatching(peer.getPodSelector())).as("%s: peer %s selects no pod of the manifests",
                    policy, peer.getPodSelector().getMatchLabels()).isNotEmpty();
        } else {
            assertThat(allowedNamespaces).as("%s: peer namespace", policy).contains(namespaceName(peer.getNamespaceSelector()));
            assertThat(peer.getPodSelector()).as("%s: peer in another namespace must also select pods", policy).isNotNull();
            assertThat(Manifests.isEmpty(peer.getPodSelector())).as("%s: peer selects every pod of a namespace", policy)
                    .isFalse();
        }
    }

    private static String namespaceName(LabelSelector selector) {
        String ns = selector.getMatchLabels() == null ? null : selector.getMatchLabels().get("kubernetes.io/metadata.name");
        assertThat(ns).as("namespaceSelector must name one namespace with kubernetes.io/metadata.name").isNotNull();
        return ns;
    }
}
