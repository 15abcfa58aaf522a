package no.brokerclient.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.MessageDigest;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import no.brokerclient.BrokerException;
import no.brokerclient.BrokerInterruptedException;
import no.brokerclient.testing.Threads;
import org.junit.jupiter.api.Test;

/** The MD5 computed on its own thread: the same digest, failures and interrupts surface, no thread is left. */
class PipelinedMd5Test {
  static final Duration BOUND = Duration.ofSeconds(20);

  static void assertNoHasherLeft() {
    Threads.assertNoneLeft(PipelinedMd5.THREAD_PREFIX);
  }

  /** An MD5 that runs {@code hook} before hashing each buffer. */
  static MessageDigest md5With(Runnable hook) {
    MessageDigest real = Hex.md5();
    return new MessageDigest("MD5") {
      @Override
      protected void engineUpdate(byte input) {
        hook.run();
        real.update(input);
      }

      @Override
      protected void engineUpdate(byte[] input, int offset, int len) {
        hook.run();
        real.update(input, offset, len);
      }

      @Override
      protected byte[] engineDigest() {
        return real.digest();
      }

      @Override
      protected void engineReset() {
        real.reset();
      }
    };
  }

  @Test
  void sameDigestAsMessageDigestForOddSizedUpdatesAcrossManyBuffers() {
    byte[] data = new byte[5 * PipelinedMd5.BUFFERS * PipelinedMd5.BUFFER + 12_345];
    new Random(7).nextBytes(data);
    MessageDigest kept = Hex.md5();
    kept.update(data, 0, 1000); // continues the state of bytes kept from an earlier attempt
    PipelinedMd5 md5 = new PipelinedMd5(kept);
    Random sizes = new Random(8);
    for (int off = 1000; off < data.length; ) {
      int n = Math.min(data.length - off, sizes.nextInt(200_000));
      md5.update(data, off, n);
      off += n;
    }
    assertEquals(Hex.hex(Hex.md5().digest(data)), md5.hex());
    assertNoHasherLeft();
  }

  @Test
  void emptyInputGivesTheMd5OfNothing() {
    assertEquals("d41d8cd98f00b204e9800998ecf8427e", new PipelinedMd5().hex());
  }

  @Test
  void aFailureOfTheHashingThreadIsThrownToTheProducer() {
    PipelinedMd5 md5 = new PipelinedMd5(md5With(() -> {
      throw new IllegalStateException("disk of the hash on fire");
    }));
    byte[] buf = new byte[PipelinedMd5.BUFFER];
    BrokerException e = assertThrows(BrokerException.class, () -> assertTimeoutPreemptively(BOUND, () -> {
      for (int i = 0; i < 100; i++) { // more than the buffers: the producer waits for the failed hash
        md5.update(buf, 0, buf.length);
      }
      md5.hex();
    }));
    assertInstanceOf(IllegalStateException.class, e.getCause(), () -> "cause " + e.getCause());
    assertTrue(e.getMessage().contains("disk of the hash on fire"), e.getMessage());
    assertThrows(BrokerException.class, md5::hex, "the failure stays");
    assertNoHasherLeft();
  }

  @Test
  void anInterruptWhileWaitingForTheHashStopsTheProducerAndClosingStopsTheHasher() throws Exception {
    CountDownLatch hashing = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    PipelinedMd5 md5 = new PipelinedMd5(md5With(() -> {
      hashing.countDown();
      try {
        never.await(); // a hash that never finishes (until closed)
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }));
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicReference<Boolean> flag = new AtomicReference<>();
    Thread producer = new Thread(() -> {
      byte[] buf = new byte[PipelinedMd5.BUFFER];
      try {
        for (int i = 0; i < 100; i++) {
          md5.update(buf, 0, buf.length);
        }
      } catch (Throwable e) {
        thrown.set(e);
      }
      flag.set(Thread.currentThread().isInterrupted());
    }, "md5-producer");
    producer.start();
    assertTrue(hashing.await(10, TimeUnit.SECONDS));
    assertTimeoutPreemptively(BOUND, () -> {
      while (producer.getState() != Thread.State.WAITING) {
        Thread.sleep(5); // all buffers are out: the producer waits for one
      }
    });
    producer.interrupt();
    assertTimeoutPreemptively(BOUND, () -> producer.join());
    assertInstanceOf(BrokerInterruptedException.class, thrown.get(), () -> "got " + thrown.get());
    assertTrue(flag.get(), "the interrupt flag stays set");
    md5.close();
    assertNoHasherLeft();
  }

  @Test
  void anIdleHasherEndsAndALaterBufferStartsANewOneOnTheSameDigest() {
    byte[] data = new byte[3 * PipelinedMd5.BUFFER];
    new Random(9).nextBytes(data);
    PipelinedMd5 md5 = new PipelinedMd5();
    md5.update(data, 0, 2 * PipelinedMd5.BUFFER);
    assertNoHasherLeft(); // an abandoned, unclosed MD5 leaves no thread behind
    md5.update(data, 2 * PipelinedMd5.BUFFER, PipelinedMd5.BUFFER);
    assertEquals(Hex.hex(Hex.md5().digest(data)), md5.hex());
  }
}
