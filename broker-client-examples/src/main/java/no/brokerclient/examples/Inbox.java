package no.brokerclient.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import no.brokerclient.BrokerClient;
import no.brokerclient.BrokerException;
import no.brokerclient.events.BrokerEvent;
import no.brokerclient.events.BrokerEventListener;
import no.brokerclient.events.EventRole;
import no.brokerclient.events.EventType;
import no.brokerclient.model.DownloadResult;

/**
 * What a receiving system does with Broker events: the listener only enqueues (Altinn waits at most 45 s for the
 * webhook answer); a worker thread downloads each published file (verified, atomically moved into the inbox
 * directory) and confirms the download. Whatever one download throws, the worker reports it and goes on with the
 * next event (the polling backstop offers a transfer that was not downloaded again).
 */
final class Inbox implements BrokerEventListener, AutoCloseable {
  private final BrokerClient broker;
  private final Path directory;
  private final PrintStream out;
  private final BlockingQueue<BrokerEvent> queue = new LinkedBlockingQueue<>();
  private final List<DownloadResult> received = new CopyOnWriteArrayList<>();
  private final Thread worker;

  Inbox(BrokerClient broker, Path directory, PrintStream out) throws IOException {
    this.broker = broker;
    this.directory = Files.createDirectories(directory);
    this.out = out;
    this.worker = new Thread(this::work, "inbox-worker");
    worker.setDaemon(true);
    worker.start();
  }

  @Override
  public void onEvent(BrokerEvent event) {
    if (EventType.PUBLISHED.equals(event.type()) && event.role() == EventRole.RECIPIENT
        && event.fileTransferId() != null) {
      out.println("  event: " + event.type() + " for " + event.fileTransferId() + " (via " + event.origin() + ")");
      queue.add(event);
    }
  }

  private void work() {
    while (!Thread.currentThread().isInterrupted()) {
      BrokerEvent e;
      try {
        e = queue.take();
      } catch (InterruptedException ie) {
        return;
      }
      UUID id = e.fileTransferId();
      try {
        DownloadResult r = broker.download(id, directory.resolve(id + ".bin"),
            new ConsoleProgress(out, "download"));
        broker.confirmDownload(id);
        received.add(r);
        out.println("  received " + r.size() + " bytes, MD5 " + r.md5() + (r.checksumVerified() ? " (verified)" : "")
            + ", confirmed");
      } catch (BrokerException ex) {
        out.println("  could not receive " + id + ": " + ex.getMessage());
      } catch (RuntimeException | Error ex) { // one bad item must never end the worker: report it, take the next
        out.println("  could not receive " + id + ", unexpected: " + ex);
      }
    }
  }

  /**
   * @param count files to wait for
   * @param seconds how long
   * @return the files received
   * @throws InterruptedException if interrupted
   */
  List<DownloadResult> await(int count, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (received.size() < count && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    return List.copyOf(received);
  }

  @Override
  public void close() {
    worker.interrupt();
  }
}
