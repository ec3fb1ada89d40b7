package io.twisterlab.agents.maestro;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RuleBasedAnalyzerTest {
    private static final List<String> ALL = List.of("monitoring", "database", "cache", "maestro");

    private static TaskAnalysis analyze(String task) {
        return TaskAnalyzer.rules().analyze(task, ALL);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "The db is slow|database",
            "Slow SQL queries on the orders table|database",
            "DNS resolution fails intermittently|network",
            "Suspicious login attempts, possible breach|security",
            "CPU usage spikes every night|monitoring",
            "Deploy the new pods to the cluster|infrastructure",
            "The API returns an exception on checkout|application",
            "Please review the customer feedback form|unknown",
            "Water the plants|unknown",
            "database server network outage|database",
            "network latency on the monitoring host|network",
    })
    void categoriesUseAnOrderedTableOfWholeWords(String task, String category) {
        assertThat(analyze(task).category()).isEqualTo(category);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "Production database is DOWN|critical",
            "the server crashed!!!|critical",
            "slow dashboard!!!|critical",
            "important: rotate certificates|high",
            "asap please check the disk|high",
            "minor typo on the status page|low",
            "add a metric when possible|low",
            "dark mode would be nice to have|low",
            "check the disk|medium",
            "the downloader is slow|medium",
            "a highway of packets|medium",
    })
    void prioritiesUseWholeWordsAndPhrases(String task, String priority) {
        assertThat(analyze(task).priority()).isEqualTo(priority);
    }

    @Test
    void keywordsAndSourceAreReported() {
        TaskAnalysis analysis = analyze("URGENT: postgres deadlock, redis cache cold");
        assertThat(analysis.source()).isEqualTo("rules");
        assertThat(analysis.keywords()).contains("postgres", "deadlock", "urgent", "redis", "cache");
        assertThat(analysis.suggestedAgents()).containsExactly("database", "monitoring", "cache");
        assertThat(analysis.fallbackReason()).isNull();
    }

    @Test
    void suggestsOnlyRegisteredAgents() {
        TaskAnalysis analysis = TaskAnalyzer.rules().analyze("the database and the cache are slow",
                List.of("monitoring"));
        assertThat(analysis.category()).isEqualTo("database");
        assertThat(analysis.suggestedAgents()).containsExactly("monitoring");
        assertThat(TaskAnalyzer.rules().analyze("the database is slow", List.of()).suggestedAgents()).isEmpty();
    }
}
