/*
 * The twin's JVMs must never outlive it, however it dies (SIGKILL of its process group, a closed
 * terminal), or they keep holding the ports and the data dir's locks. Node cannot make the kernel
 * signal a child when the parent dies on every platform, but a pipe works everywhere: the twin
 * holds the write end of the JVM's standard input, the kernel closes it when the twin's process
 * ends, and this watch then shuts the JVM down (shutdown hooks run, so Kafka closes its logs),
 * halting it if that takes longer than 10 s.
 */
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;

/** Runs the main class named by the first argument; exits when standard input reaches its end. */
public final class PulseParentWatch {
  private static final long HALT_AFTER_MS = 10_000;

  public static void main(String[] args) throws Throwable {
    Thread watch = new Thread(() -> {
      byte[] buffer = new byte[64];
      try {
        while (System.in.read(buffer) >= 0) {
          // Nothing is ever written; reading only waits for the end of the stream.
        }
      } catch (Throwable ignored) {
        // A broken pipe is an end too.
      }
      System.out.println("[pulse] the process that started this JVM is gone; shutting down");
      Thread halt = new Thread(() -> {
        try {
          Thread.sleep(HALT_AFTER_MS);
        } catch (InterruptedException ignored) {
          return;
        }
        Runtime.getRuntime().halt(1);
      }, "pulse-halt");
      halt.setDaemon(true);
      halt.start();
      System.exit(0);
    }, "pulse-parent-watch");
    watch.setDaemon(true);
    watch.start();
    Method main = Class.forName(args[0]).getMethod("main", String[].class);
    try {
      main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
