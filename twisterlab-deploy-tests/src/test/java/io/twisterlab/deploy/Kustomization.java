package io.twisterlab.deploy;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The subset of kustomize's Kustomization that k8s/ uses, parsed strictly: a field this record does not know
 * (a typo such as {@code resource:}, or a new kustomize feature) fails the tests until it is added here.
 */
record Kustomization(
        @JsonProperty(required = true) String apiVersion,
        @JsonProperty(required = true) String kind,
        @Nullable String namespace,
        @Nullable List<String> resources,
        @Nullable List<Generator> secretGenerator,
        @Nullable List<Generator> configMapGenerator,
        @Nullable List<Image> images,
        @Nullable List<Patch> patches) {

    /** An inline strategic-merge patch (the variants delete base objects with {@code $patch: delete}). */
    record Patch(String patch) {
    }

    List<Patch> patchList() {
        return patches == null ? List.of() : patches;
    }

    record Generator(String name, @Nullable String type, @Nullable List<String> envs, @Nullable List<String> files,
                     @Nullable List<String> literals, @Nullable GeneratorOptions options) {
        List<String> envFiles() {
            return envs == null ? List.of() : envs;
        }

        /** File names, without the optional {@code key=} prefix. */
        List<String> fileNames() {
            return files == null ? List.of() : files.stream().map(f -> f.substring(f.indexOf('=') + 1)).toList();
        }
    }

    record GeneratorOptions(@Nullable Boolean disableNameSuffixHash, @Nullable Map<String, String> labels,
                            @Nullable Map<String, String> annotations) {
    }

    record Image(String name, @Nullable String newName, @Nullable String newTag, @Nullable String digest) {
    }

    static Kustomization load(Path dir) {
        Path file = dir.resolve("kustomization.yaml");
        return StrictYaml.read(Repo.read(file), Kustomization.class, Repo.rel(file));
    }

    List<String> resourceList() {
        return resources == null ? List.of() : resources;
    }

    List<Generator> secretGenerators() {
        return secretGenerator == null ? List.of() : secretGenerator;
    }

    List<Generator> configMapGenerators() {
        return configMapGenerator == null ? List.of() : configMapGenerator;
    }

    List<Image> imageList() {
        return images == null ? List.of() : images;
    }

    /** Every manifest of this kustomization and the kustomizations it includes, parsed strictly. */
    static List<HasMetadata> manifests(Path dir) {
        List<HasMetadata> result = new ArrayList<>();
        for (String resource : load(dir).resourceList()) {
            Path target = dir.resolve(resource).normalize();
            if (Files.isDirectory(target)) {
                result.addAll(manifests(target));
            } else {
                result.addAll(StrictYaml.models(target));
            }
        }
        return result;
    }
}
