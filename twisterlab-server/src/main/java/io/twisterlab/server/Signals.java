package io.twisterlab.server;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.function.Consumer;

/**
 * Installs handlers for operating-system signals with {@code sun.misc.Signal} (module {@code jdk.unsupported},
 * exported and supported in practice on every JDK since 9).
 *
 * <p>Why reflection: javac reports every direct reference to {@code sun.misc.Signal} as "internal proprietary
 * API and may be removed in a future release", a warning that no {@code -Xlint} key and no
 * {@code @SuppressWarnings} can switch off, and the build compiles with {@code -Werror}. Looking the two types up
 * by name keeps the compiler quiet without changing what runs.
 */
final class Signals {
    private Signals() {
    }

    /**
     * Replaces the JVM's handler of each named signal ({@code TERM}, {@code INT}) with {@code handler}, which
     * receives the signal name and runs on a thread the JVM starts for the signal.
     *
     * @return false if this JVM has no {@code sun.misc.Signal} or refuses a signal (then the JVM's default
     *     handling — shutdown hooks, exit status 128 + signal — stays in place for that signal)
     */
    static boolean handle(Consumer<String> handler, String... names) {
        Class<?> signalType;
        Class<?> handlerType;
        try {
            signalType = Class.forName("sun.misc.Signal");
            handlerType = Class.forName("sun.misc.SignalHandler");
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
        boolean all = true;
        for (String name : names) {
            InvocationHandler h = (proxy, method, args) -> switch (method.getName()) {
                case "handle" -> {
                    handler.accept(name);
                    yield null;
                }
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                case "toString" -> "twisterlab handler for SIG" + name;
                default -> throw new UnsupportedOperationException(method.getName());
            };
            try {
                Object proxy = Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {handlerType}, h);
                Constructor<?> constructor = signalType.getConstructor(String.class);
                Method handle = signalType.getMethod("handle", signalType, handlerType);
                handle.invoke(null, constructor.newInstance(name), proxy);
            } catch (InvocationTargetException e) {
                // IllegalArgumentException: unknown signal, or one the JVM reserves (e.g. INT under -Xrs)
                all = false;
            } catch (ReflectiveOperationException | RuntimeException e) {
                all = false;
            }
        }
        return all;
    }
}
