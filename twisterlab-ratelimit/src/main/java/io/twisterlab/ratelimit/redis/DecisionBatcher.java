package io.twisterlab.ratelimit.redis;

import io.twisterlab.ratelimit.RateLimitStoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Coalesces decisions into script calls. Each decision is queued, and a call ({@link Batch}) carries every queued
 * decision (up to the batch size) whenever fewer than {@link #maxInFlight} calls are in flight. A lone caller is
 * sent at once, alone; concurrent callers that arrive while calls are in flight ride together on the next one.
 * Callers wait on their own {@link Pending#reply} with their own deadline; a caller that gives up
 * ({@link #giveUp}) marks its decision done, so that it is skipped if not sent yet, and releases the in-flight slot
 * of the call carrying it, so that a call Redis never answers cannot stall the queue.
 */
final class DecisionBatcher {

    /** Sends one script call; its reply has {@value GcraScript#REPLY_WIDTH} values per member, in order. */
    @FunctionalInterface
    interface Sender {
        CompletableFuture<long[]> send(List<Pending> members, int keyCount);
    }

    /** Script calls in flight at once when decisions are coalesced: one being answered while the next fills up. */
    private static final int COALESCING_IN_FLIGHT = 2;

    private final Sender sender;
    /** Most decisions one script call carries. */
    private final int maxBatch;
    /** Most script calls in flight; unbounded when every decision goes alone. */
    private final int maxInFlight;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    /** {@link System#nanoTime()} of the last reply (answer or error) from the connection, 0 before the first. */
    private volatile long lastReplyNanos;

    /**
     * @param maxBatch most decisions per call; 1 sends every decision alone, at once
     * @param sender   sends the calls
     */
    DecisionBatcher(int maxBatch, Sender sender) {
        this.maxBatch = maxBatch;
        this.maxInFlight = maxBatch == 1 ? Integer.MAX_VALUE : COALESCING_IN_FLIGHT;
        this.sender = sender;
    }

    /**
     * One decision on its way. Its reply is the whole call's reply; its own {@value GcraScript#REPLY_WIDTH} values
     * start at {@link #offset}.
     */
    static final class Pending {
        final String[] keys;
        final long cost;
        final GcraScript.LimitArgs[] limits;
        final CompletableFuture<long[]> reply = new CompletableFuture<>();
        /** The call carrying it, once drained from the queue. */
        volatile @Nullable Batch batch;
        /** Where its values start in the call's reply; written before the call is sent. */
        int offset;
        /**
         * {@link System#nanoTime()} when the call carrying it was first written to the connection (on the event
         * loop), 0 until then: the caller's deadline for Redis runs from here, its time queued in this JVM is
         * bounded separately.
         */
        volatile long writtenNanos;

        Pending(String[] keys, long cost, GcraScript.LimitArgs[] limits) {
            this.keys = keys;
            this.cost = cost;
            this.limits = limits;
        }
    }

    /** One script call; holds an in-flight slot until answered, or until one of its callers gives up. */
    final class Batch {
        private final AtomicBoolean released = new AtomicBoolean();

        /** Frees the slot and sends what is queued. */
        void release() {
            if (free()) {
                dispatch();
            }
        }

        /** @return whether this call held its slot until now */
        boolean free() {
            if (released.compareAndSet(false, true)) {
                inFlight.decrementAndGet();
                return true;
            }
            return false;
        }
    }

    /** @return {@link System#nanoTime()} of the last reply, 0 before the first: whether the connection moves */
    long lastReplyNanos() {
        return lastReplyNanos;
    }

    /**
     * Queues one decision and dispatches.
     *
     * @param keys   its keys, one per limit
     * @param cost   its cost
     * @param limits its limits' arguments
     * @return the decision on its way
     */
    Pending submit(String[] keys, long cost, GcraScript.LimitArgs[] limits) {
        Pending pending = new Pending(keys, cost, limits);
        queue.offer(pending);
        dispatch();
        return pending;
    }

    /**
     * The caller no longer waits: a decision not sent yet will be skipped, and the call carrying one is no longer
     * counted in flight. (Either the dispatcher sees the decision done, or this sees its batch: both are volatile.)
     */
    static void giveUp(Pending pending, Throwable why) {
        pending.reply.completeExceptionally(why);
        Batch carrier = pending.batch;
        if (carrier != null) {
            carrier.release();
        }
    }

    /** Sends queued decisions while an in-flight slot is free. Runs on callers' threads and on the event loop. */
    private void dispatch() {
        while (!queue.isEmpty()) {
            int n = inFlight.get();
            if (n >= maxInFlight) {
                return; // a call in flight dispatches again when it is released
            }
            if (!inFlight.compareAndSet(n, n + 1)) {
                continue;
            }
            Batch batch = new Batch();
            List<Pending> members = drain(batch);
            if (members.isEmpty()) {
                inFlight.decrementAndGet();
            } else {
                send(batch, members);
            }
        }
    }

    private List<Pending> drain(Batch batch) {
        List<Pending> members = new ArrayList<>(maxBatch == 1 ? 1 : 8);
        Pending p;
        while (members.size() < maxBatch && (p = queue.poll()) != null) {
            p.batch = batch;
            if (!p.reply.isDone()) {
                members.add(p);
            }
        }
        return members;
    }

    /** One script call for {@code members}; their replies are completed when it is answered. */
    @SuppressWarnings("FutureReturnValueIgnored") // whenComplete's result: the callback itself completes every member
    private void send(Batch batch, List<Pending> members) {
        int keyCount = 0;
        for (int i = 0; i < members.size(); i++) {
            Pending p = members.get(i);
            p.offset = GcraScript.REPLY_WIDTH * i;
            keyCount += p.limits.length;
        }
        CompletableFuture<long[]> call;
        try {
            call = sender.send(members, keyCount);
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        // a call that failed (or was answered) at once, e.g. refused while disconnected, only frees its slot: the
        // dispatch loop that sent it goes on, and dispatching from here would nest once per queued call
        boolean completedAtOnce = call.isDone();
        call.whenComplete((reply, error) -> {
            lastReplyNanos = System.nanoTime() | 1L;
            if (completedAtOnce) {
                batch.free();
            } else {
                batch.release(); // the next call goes out before this one's callers are woken
            }
            deliver(members, reply, error);
        });
    }

    private static void deliver(List<Pending> members, long @Nullable [] reply, @Nullable Throwable error) {
        Throwable failure = error;
        if (failure == null && (reply == null || reply.length != GcraScript.REPLY_WIDTH * members.size())) {
            failure = new RateLimitStoreException("unexpected reply from the rate-limit script for "
                    + members.size() + " decision(s)");
        }
        for (Pending p : members) {
            if (failure != null) {
                p.reply.completeExceptionally(failure);
            } else {
                p.reply.complete(reply);
            }
        }
    }
}
