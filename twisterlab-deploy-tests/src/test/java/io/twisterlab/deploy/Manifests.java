package io.twisterlab.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/** The manifests of the kustomize base k8s/, parsed strictly once, with lookups. */
final class Manifests {

    static final String NAMESPACE = "twisterlab";
    static final String API_DEPLOYMENT = "twisterlab-api";
    static final String API_CONTAINER = "api";
    static final String CONFIG_MAP = "twisterlab-config";
    static final String SECRET = "twisterlab-secrets";

    private static final Manifests BASE = new Manifests(Kustomization.manifests(Repo.k8s()));

    /** A pod template of a workload, with the workload's kind/name for messages. */
    record Pod(String owner, PodTemplateSpec template) {
        Map<String, String> labels() {
            Map<String, String> labels = template.getMetadata().getLabels();
            return labels == null ? Map.of() : labels;
        }

        List<Container> containers() {
            return template.getSpec().getContainers();
        }

        List<ContainerPort> ports() {
            return containers().stream().flatMap(c -> Optional.ofNullable(c.getPorts()).orElse(List.of()).stream())
                    .toList();
        }

        /** Whether a NetworkPolicy/Service port (number or name) is a port one of the containers listens on. */
        boolean hasPort(@Nullable IntOrString port, String protocol) {
            if (port == null) {
                return false;
            }
            return ports().stream()
                    .filter(p -> Objects.equals(Optional.ofNullable(p.getProtocol()).orElse("TCP"), protocol))
                    .anyMatch(p -> port.getIntVal() != null ? port.getIntVal().equals(p.getContainerPort())
                            : port.getStrVal().equals(p.getName()));
        }
    }

    private final List<HasMetadata> all;

    Manifests(List<HasMetadata> all) {
        this.all = List.copyOf(all);
    }

    static Manifests base() {
        return BASE;
    }

    List<HasMetadata> all() {
        return all;
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return all.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> T one(Class<T> type, String name) {
        List<T> found = all(type).stream().filter(m -> name.equals(m.getMetadata().getName())).toList();
        if (found.size() != 1) {
            throw new AssertionError("expected exactly one " + type.getSimpleName() + " named " + name + ", found "
                    + found.size());
        }
        return found.get(0);
    }

    Deployment apiDeployment() {
        return one(Deployment.class, API_DEPLOYMENT);
    }

    Container apiContainer() {
        return apiDeployment().getSpec().getTemplate().getSpec().getContainers().stream()
                .filter(c -> API_CONTAINER.equals(c.getName())).findFirst()
                .orElseThrow(() -> new AssertionError("no container " + API_CONTAINER + " in " + API_DEPLOYMENT));
    }

    ConfigMap configMap() {
        return one(ConfigMap.class, CONFIG_MAP);
    }

    Service service(String name) {
        return one(Service.class, name);
    }

    List<NetworkPolicy> networkPolicies() {
        return all(NetworkPolicy.class);
    }

    /** Pod templates of every workload in the manifests. */
    List<Pod> pods() {
        List<Pod> pods = new ArrayList<>();
        for (Deployment d : all(Deployment.class)) {
            pods.add(new Pod("Deployment/" + d.getMetadata().getName(), d.getSpec().getTemplate()));
        }
        for (StatefulSet s : all(StatefulSet.class)) {
            pods.add(new Pod("StatefulSet/" + s.getMetadata().getName(), s.getSpec().getTemplate()));
        }
        return pods;
    }

    List<Pod> podsMatching(Map<String, String> selector) {
        return pods().stream().filter(p -> matches(selector, p.labels())).toList();
    }

    List<Pod> podsMatching(@Nullable LabelSelector selector) {
        return pods().stream().filter(p -> matches(selector, p.labels())).toList();
    }

    static boolean matches(@Nullable Map<String, String> selector, Map<String, String> labels) {
        return selector != null && labels.entrySet().containsAll(selector.entrySet());
    }

    /** Kubernetes LabelSelector semantics: matchLabels AND every matchExpressions requirement; empty = all. */
    static boolean matches(@Nullable LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return false;
        }
        Map<String, String> matchLabels = selector.getMatchLabels() == null ? Map.of() : selector.getMatchLabels();
        if (!labels.entrySet().containsAll(matchLabels.entrySet())) {
            return false;
        }
        List<LabelSelectorRequirement> exprs = selector.getMatchExpressions() == null ? List.of()
                : selector.getMatchExpressions();
        for (LabelSelectorRequirement r : exprs) {
            String value = labels.get(r.getKey());
            Set<String> values = Set.copyOf(r.getValues() == null ? List.of() : r.getValues());
            boolean ok = switch (r.getOperator()) {
                case "In" -> value != null && values.contains(value);
                case "NotIn" -> value == null || !values.contains(value);
                case "Exists" -> value != null;
                case "DoesNotExist" -> value == null;
                default -> throw new AssertionError("unknown selector operator " + r.getOperator());
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    static boolean isEmpty(@Nullable LabelSelector selector) {
        return selector != null && (selector.getMatchLabels() == null || selector.getMatchLabels().isEmpty())
                && (selector.getMatchExpressions() == null || selector.getMatchExpressions().isEmpty());
    }

    static String describe(List<Pod> pods) {
        return pods.stream().map(Pod::owner).collect(Collectors.joining(", ", "[", "]"));
    }
}
