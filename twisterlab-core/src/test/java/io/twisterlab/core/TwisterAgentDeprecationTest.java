package io.twisterlab.core;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

@SuppressWarnings({"deprecation", "removal"})
class TwisterAgentDeprecationTest {
    private final Logger logger = (Logger) LoggerFactory.getLogger("io.twisterlab.core.TwisterAgent");
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    @BeforeEach
    void capture() {
        appender.start();
        logger.addAppender(appender);
    }

    @AfterEach
    void release() {
        logger.detachAppender(appender);
    }

    static final class LegacyAgent extends TwisterAgent {
        LegacyAgent() {
            super("legacy", "written against the old name", "0.9");
            query("ping", "answers").handler(inv -> "pong");
        }
    }

    static final class OtherLegacyAgent extends TwisterAgent {
        OtherLegacyAgent() {
            super("other-legacy", "also old", "0.9");
            query("ping", "answers").handler(inv -> "pong");
        }
    }

    @Test
    void warnsOncePerSubclassAndStillWorksAsACoreAgent() {
        CoreAgent first = new LegacyAgent();
        new LegacyAgent();
        new OtherLegacyAgent();
        new OtherLegacyAgent();
        assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                LegacyAgent.class.getName() + " extends the deprecated io.twisterlab.core.TwisterAgent; extend "
                        + "io.twisterlab.core.AbstractCoreAgent instead",
                OtherLegacyAgent.class.getName() + " extends the deprecated io.twisterlab.core.TwisterAgent; extend "
                        + "io.twisterlab.core.AbstractCoreAgent instead");
        assertThat(first.execute(AgentCall.of("ping", Map.of())).data()).isEqualTo("pong");
    }
}
