package no.brokerclient.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** {@link FakeAltinn#start(int)}: the given port, and a clear error when it is taken. */
class FakeAltinnPortTest {
  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void bindsTheGivenPortAndSaysSoWhenItIsTaken() throws Exception {
    int port = freePort();
    try (FakeAltinn fake = FakeAltinn.start(port)) {
      assertEquals("http://127.0.0.1:" + port, fake.platformUrl());
      assertEquals(port, URI.create(fake.maskinportenIssuer()).getPort());
      BindException taken = assertThrows(BindException.class, () -> FakeAltinn.start(port));
      assertTrue(taken.getMessage().startsWith("FakeAltinn cannot listen on 127.0.0.1:" + port
          + ": the port is in use"), taken.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> FakeAltinn.start(65536));
    try (FakeAltinn ephemeral = FakeAltinn.start(0)) {
      assertTrue(URI.create(ephemeral.platformUrl()).getPort() > 0);
    }
  }
}
