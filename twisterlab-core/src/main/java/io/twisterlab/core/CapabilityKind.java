package io.twisterlab.core;

/**
 * Whether a capability only reads ({@link #QUERY}) or changes state ({@link #ACTION}).
 *
 * <p>Access policies use the kind: in the bundled server a {@code viewer} may run queries only.
 *
 * <pre>{@code
 * if (capability.kind() == CapabilityKind.ACTION) { audit(call); }
 * }</pre>
 */
public enum CapabilityKind {
    /** Reads state; safe to retry; never changes anything. */
    QUERY,
    /** Changes state (writes, deletes, runs other agents' actions). */
    ACTION
}
