package io.twisterlab.core.testing;

import io.twisterlab.core.ExecutionEvent;
import io.twisterlab.core.ExecutionListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records every execution a registry reports, as a metrics or audit listener would see them.
 *
 * <pre>{@code
 * RecordingListener events = new RecordingListener();
 * AgentRegistry registry = AgentRegistry.builder().listener(events).register(new EchoAgent()).build();
 * registry.execute("echo", "echo", Map.of("text", "hi"));
 * assertThat(events.events()).singleElement().extracting(ExecutionEvent::outcome).isEqualTo(ExecutionOutcome.SUCCESS);
 * }</pre>
 */
public final class RecordingListener implements ExecutionListener {
    private final List<ExecutionEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void onExecution(ExecutionEvent event) {
        events.add(event);
    }

    /** The events so far, oldest first; a live view. */
    public List<ExecutionEvent> events() {
        return events;
    }
}
