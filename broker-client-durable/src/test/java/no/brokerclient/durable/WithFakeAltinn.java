package no.brokerclient.durable;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A fresh {@link TestAltinn} per test, and what the test opened closed after it, last first. */
abstract class WithFakeAltinn {
  @TempDir Path dir;
  TestAltinn altinn;
  private final List<AutoCloseable> closing = new ArrayList<>();

  @BeforeEach
  void startAltinn() throws Exception {
    altinn = TestAltinn.start();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
    altinn.close();
  }

  <T extends AutoCloseable> T closeLater(T c) {
    closing.add(c);
    return c;
  }

  /** Waits (bounded) until {@code done}; fails naming {@code what}. */
  static void await(String what, Duration timeout, BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }
}
