package io.twisterlab.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code k8s/variants/managed-redis-cluster}: the base without its in-cluster Redis, and an egress policy that lets the
 * API pods reach the external Redis Cluster (TLS) and nothing else.
 */
class ManagedRedisClusterVariantTest {

    static final String VARIANT = "k8s/variants/managed-redis-cluster";
    private static final Map<String, String> API = Map.of("app", "twisterlab", "component", "api");

    /** The variant rendered the way kustomize does for what it uses: base + its resources - deleted objects. */
    private static List<HasMetadata> rendered() {
        Path dir = Repo.path(VARIANT);
        Kustomization k = Kustomization.load(dir);
        assertThat(k.resourceList()).contains("../..");
        List<HasMetadata> all = new ArrayList<>(Kustomization.manifests(dir));
        for (Kustomization.Patch p : k.patchList()) {
            JsonNode doc = StrictYaml.documents(p.patch(), VARIANT).get(0);
            assertThat(doc.path("$patch").asText()).as("only deletions").isEqualTo("delete");
            String kind = doc.path("kind").asText();
            String name = doc.path("metadata").path("name").asText();
            assertThat(all.removeIf(m -> m.getKind().equals(kind) && m.getMetadata().getName().equals(name)))
                    .as("the patch deletes %s %s of the base", kind, name).isTrue();
        }
        return all;
    }

    @Test
    void leavesOutTheInClusterRedisAndItsPolicies() {
        List<HasMetadata> all = rendered();
        assertThat(all).noneMatch(m -> m.getMetadata().getName().equals("twisterlab-redis"));
        for (HasMetadata m : all) {
            if (m instanceof NetworkPolicy np) {
                assertThat(np.getSpec().getPodSelector().getMatchLabels()).as(np.getMetadata().getName())
                        .doesNotContainEntry("component", "redis");
            }
        }
        // the API still reads its URL from the Secret, and still has the base's default-deny and DNS rules
        assertThat(all).anyMatch(m -> m.getKind().equals("Deployment") && m.getMetadata().getName().equals("twisterlab-api"));
        assertThat(all).anyMatch(m -> m instanceof NetworkPolicy && m.getMetadata().getName().equals("default-deny"));
    }

    @Test
    void theApiMayReachTheManagedRedisOverTlsPortOnlyByIpBlock() {
        List<NetworkPolicy> toRedis = rendered().stream().filter(NetworkPolicy.class::isInstance)
                .map(NetworkPolicy.class::cast)
                .filter(np -> np.getMetadata().getName().equals("allow-api-to-managed-redis")).toList();
        assertThat(toRedis).singleElement().satisfies(np -> {
            assertThat(np.getSpec().getPodSelector().getMatchLabels()).isEqualTo(API);
            assertThat(np.getSpec().getPolicyTypes()).containsExactly("Egress");
            assertThat(np.getSpec().getIngress()).isNullOrEmpty();
            List<NetworkPolicyEgressRule> egress = np.getSpec().getEgress();
            assertThat(egress).singleElement().satisfies(rule -> {
                assertThat(rule.getTo()).singleElement().satisfies(peer -> {
                    assertThat(peer.getIpBlock().getCidr()).matches("\\d+\\.\\d+\\.\\d+\\.\\d+/(1[6-9]|2\\d|3[0-2])");
                    assertThat(peer.getPodSelector()).isNull();
                    assertThat(peer.getNamespaceSelector()).isNull();
                });
                assertThat(rule.getPorts()).singleElement().satisfies(port -> {
                    assertThat(port.getProtocol()).isEqualTo("TCP");
                    assertThat(port.getPort().getIntVal()).isEqualTo(6379);
                });
            });
        });
    }

    @Test
    void documentsATlsClusterUrlInTheSecret() {
        String header = Repo.read(Repo.path(VARIANT).resolve("kustomization.yaml"));
        assertThat(header).contains("TWISTERLAB_REDIS_URL=rediss-cluster://", "secrets.env");
    }
}
