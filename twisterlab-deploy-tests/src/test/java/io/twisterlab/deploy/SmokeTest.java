package io.twisterlab.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void loads() {
        assertThat(new Deployment()).isNotNull();
    }
}
