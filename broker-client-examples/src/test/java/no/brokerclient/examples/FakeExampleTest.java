package no.brokerclient.examples;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import no.brokerclient.testkit.FakeAltinn;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of the tests that run examples against an embedded fake: a fresh fake and its {@link ExampleEnvironment} per
 * test (closed after it), and a console the examples print to.
 */
abstract class FakeExampleTest {
  FakeAltinn fake;
  @AutoClose
  ExampleEnvironment env;
  final ByteArrayOutputStream console = new ByteArrayOutputStream();
  final PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);

  @BeforeEach
  void startFake() throws Exception {
    fake = FakeAltinn.start();
    env = ExampleEnvironment.of(fake);
  }

  /** @return what the examples printed */
  String console() {
    return console.toString(StandardCharsets.UTF_8);
  }
}
