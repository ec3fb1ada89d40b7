package io.twisterlab.deploy;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sample names of a Prometheus text (0.0.4) or OpenMetrics exposition: the names PromQL selects. Families
 * declared by {@code # TYPE} without samples yet (a labelled counter nobody incremented) count with the
 * sample names their type implies, e.g. histogram {@code x} -&gt; {@code x_bucket}, {@code x_sum}, {@code x_count}.
 */
final class Exposition {

    private static final Pattern TYPE = Pattern.compile("^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (\\w+)\\s*$");
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]");

    private Exposition() {
    }

    static Set<String> sampleNames(String exposition) {
        Set<String> names = new LinkedHashSet<>();
        Map<String, String> types = new HashMap<>();
        for (String line : exposition.split("\n")) {
            Matcher t = TYPE.matcher(line);
            if (t.matches()) {
                types.put(t.group(1), t.group(2));
                continue;
            }
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            Matcher s = SAMPLE.matcher(line);
            if (s.find()) {
                names.add(s.group(1));
            }
        }
        types.forEach((family, type) -> {
            switch (type) {
                case "histogram", "gaugehistogram" -> {
                    names.add(family + "_bucket");
                    names.add(family + "_sum");
                    names.add(family + "_count");
                }
                case "summary" -> {
                    names.add(family);
                    names.add(family + "_sum");
                    names.add(family + "_count");
                }
                case "counter" -> names.add(family.endsWith("_total") ? family : family + "_total");
                case "info" -> names.add(family.endsWith("_info") ? family : family + "_info");
                default -> names.add(family);
            }
        });
        return names;
    }
}
